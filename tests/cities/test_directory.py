"""The directory of people: who sees it, what it shows (never an e-mail address a person did
not choose to show), its filters, and the contact form."""

import pytest
from django.core import mail
from django.urls import reverse

from cities.models import ContactMessage
from tests.cities.factories import (
    CityFactory,
    OrganisationFactory,
    PartnerCountryFactory,
    ThematicAreaFactory,
)
from tests.users.factories import CoordinatorFactory, DelegateFactory, ProgrammeStaffFactory
from worldcities.notifications.models import Delivery, EmailMessage, Kind, Notification
from worldcities.notifications.services import preferences_set

pytestmark = pytest.mark.django_db

PEOPLE = reverse("cities:people")

ROLES = ["delegate", "other_city_delegate", "coordinator", "staff"]


def _viewer(role, city):
    if role == "delegate":
        return DelegateFactory(city=city)
    if role == "other_city_delegate":
        return DelegateFactory()
    if role == "coordinator":
        return CoordinatorFactory()
    return ProgrammeStaffFactory()


@pytest.fixture
def hidden_and_shown(eu_city):
    hidden = DelegateFactory(
        city=eu_city, full_name="Hidden Person", email="hidden.person@example.org"
    )
    shown = DelegateFactory(
        city=eu_city, full_name="Shown Person", email="shown.person@example.org", show_email=True
    )
    return hidden, shown


@pytest.mark.parametrize("role", ROLES)
def test_the_directory_never_shows_an_address_nobody_chose_to_show(
    client, role, eu_city, hidden_and_shown
):
    hidden, shown = hidden_and_shown
    client.force_login(_viewer(role, eu_city))
    for url in (PEOPLE, reverse("cities:person", args=[hidden.pk])):
        response = client.get(url)
        assert response.status_code == 200
        assert "Hidden Person" in response.text
        assert hidden.email not in response.text
    listing = client.get(PEOPLE).text
    assert shown.email in listing
    assert shown.email in client.get(reverse("cities:person", args=[shown.pk])).text


def test_visitors_are_sent_to_the_login_page(client, delegate):
    for url in (PEOPLE, reverse("cities:person", args=[delegate.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_people_who_left_the_directory_are_neither_listed_nor_found(client, delegate):
    gone = DelegateFactory(full_name="Gone Person", in_directory=False)
    client.force_login(delegate)
    assert "Gone Person" not in client.get(PEOPLE).text
    assert client.get(reverse("cities:person", args=[gone.pk])).status_code == 404


def test_filters_by_city_country_interest_language_role_and_search(client, programme_staff):
    korea = PartnerCountryFactory(code="KR", name="Korea")
    busan = CityFactory(name="Busan", country=korea)
    mobility = ThematicAreaFactory(name="Mobility", slug="mobility")
    lab = OrganisationFactory(name="Busan Mobility Lab", city=busan)
    kim = DelegateFactory(
        city=busan, full_name="Kim Min", organisation=lab, spoken_languages=["ko", "en"]
    )
    kim.interests.add(mobility)
    DelegateFactory(full_name="Ana Lopez", spoken_languages=["es"])
    CoordinatorFactory(full_name="Carla Coordinator")
    client.force_login(programme_staff)

    def names(**params):
        text = client.get(PEOPLE, params).text
        return {n for n in ("Kim Min", "Ana Lopez", "Carla Coordinator") if n in text}

    assert names(city="busan") == {"Kim Min"}
    assert names(country="KR") == {"Kim Min"}
    assert names(area="mobility") == {"Kim Min"}
    assert names(language="ko") == {"Kim Min"}
    assert names(language="es") == {"Ana Lopez"}
    assert names(role="coordinator") == {"Carla Coordinator"}
    assert names(q="mobility lab") == {"Kim Min"}
    assert names() == {"Kim Min", "Ana Lopez", "Carla Coordinator"}


def test_the_directory_makes_as_many_queries_for_many_people(
    client, programme_staff, assert_flat_queries
):
    areas = ThematicAreaFactory.create_batch(2)
    client.force_login(programme_staff)

    def make(n):
        for _ in range(n):
            person = DelegateFactory(organisation=OrganisationFactory(), spoken_languages=["fr"])
            person.interests.set(areas)

    assert_flat_queries(make, lambda: client.get(PEOPLE), small=1, large=20)


def test_people_choose_what_the_directory_shows_in_their_profile(client, delegate):
    area = ThematicAreaFactory(name="Circular economy")
    client.force_login(delegate)
    response = client.post(
        reverse("users:profile"),
        {
            "full_name": "Dana Delegate",
            "language": "en",
            "time_zone": "",
            "in_directory": "on",
            "show_email": "on",
            "spoken_languages": ["fr", "ko"],
            "interests": [area.pk],
        },
    )
    assert response.status_code == 302
    delegate.refresh_from_db()
    assert delegate.show_email and delegate.in_directory
    assert delegate.spoken_languages == ["fr", "ko"]
    assert list(delegate.interests.all()) == [area]
    entry = client.get(reverse("cities:person", args=[delegate.pk])).text
    assert delegate.email in entry and "French, Korean" in entry and "Circular economy" in entry

    client.post(reverse("users:profile"), {"full_name": "Dana Delegate", "language": "en"})
    delegate.refresh_from_db()
    assert not delegate.in_directory and not delegate.show_email
    assert client.get(reverse("cities:person", args=[delegate.pk])).status_code == 404


# --- The contact form ------------------------------------------------------------------------
def _contact(client, person, **data):
    payload = {"subject": "Cycling lanes", "body": "Could we talk about your bike lanes?"}
    payload.update(data)
    return client.post(reverse("cities:person", args=[person.pk]), payload)


def test_a_message_reaches_the_recipient_once_by_e_mail_without_the_senders_address(
    client, delegate, partner_delegate, django_capture_on_commit_callbacks
):
    client.force_login(partner_delegate)
    with django_capture_on_commit_callbacks(execute=False):
        response = _contact(client, delegate)
    assert response.status_code == 302
    notification = Notification.objects.get(recipient=delegate, kind=Kind.DIRECT_MESSAGE)
    assert notification.delivery == Delivery.IMMEDIATE
    email = EmailMessage.objects.get(recipient=delegate)
    assert "Could we talk about your bike lanes?" in email.text
    assert partner_delegate.email not in email.text
    assert str(partner_delegate) in email.subject
    assert Notification.objects.filter(recipient=delegate).count() == 1


def test_a_digest_reader_gets_the_message_in_the_digest_not_at_once(
    client, delegate, partner_delegate
):
    preferences_set(user=delegate, choices={Kind.DIRECT_MESSAGE: Delivery.DAILY})
    client.force_login(partner_delegate)
    _contact(client, delegate, share_email="on")
    notification = Notification.objects.get(recipient=delegate)
    assert notification.delivery == Delivery.DAILY and notification.email is None
    assert not EmailMessage.objects.filter(recipient=delegate).exists()
    assert partner_delegate.email in notification.body  # they chose to share it
    assert mail.outbox == []


@pytest.mark.parametrize(
    "data, error",
    [
        ({"body": ""}, "This field is required."),
        ({"subject": ""}, "This field is required."),
        ({"body": "x" * 3001}, "Ensure this value has at most 3000 characters"),
    ],
)
def test_bad_messages_are_refused_and_nothing_is_sent(
    client, delegate, partner_delegate, data, error
):
    client.force_login(partner_delegate)
    response = _contact(client, delegate, **data)
    assert response.status_code == 400
    assert error in response.text
    assert not ContactMessage.objects.exists() and not Notification.objects.exists()


def test_nobody_writes_to_themselves(client, delegate):
    client.force_login(delegate)
    response = _contact(client, delegate)
    assert response.status_code == 302
    assert "You cannot send a message to yourself." in client.get(response.url).text
    assert not ContactMessage.objects.exists()


def test_nobody_writes_to_someone_who_left_the_directory(delegate, partner_delegate):
    from django.core.exceptions import ValidationError

    from cities.services import contact_send

    partner_delegate.in_directory = False
    partner_delegate.save()
    with pytest.raises(ValidationError, match="not in the directory"):
        contact_send(sender=delegate, recipient=partner_delegate, subject="Hi", body="Hello")
    assert not ContactMessage.objects.exists()


def test_messages_are_limited_per_hour(client, settings, delegate, partner_delegate):
    settings.DIRECTORY_CONTACT_PER_HOUR = 2
    client.force_login(partner_delegate)
    assert _contact(client, delegate).status_code == 302
    assert _contact(client, delegate).status_code == 302
    response = _contact(client, delegate)
    assert response.status_code == 400
    assert "please wait before sending more" in response.text
    assert ContactMessage.objects.count() == 2


def test_erasing_an_account_takes_its_entry_and_messages_out(delegate, partner_delegate):
    from cities.services import contact_send
    from worldcities.privacy import account_erase, personal_data

    delegate.show_email = True
    delegate.spoken_languages = ["fr"]
    delegate.save()
    delegate.interests.add(ThematicAreaFactory(name="Green spaces"))
    contact_send(sender=delegate, recipient=partner_delegate, subject="Parks", body="Hello")
    data = personal_data(delegate)
    assert data["account"]["email_shown_in_directory"] is True
    assert data["account"]["thematic_interests"] == ["Green spaces"]
    assert data["messages_sent"][0]["subject"] == "Parks"
    assert personal_data(partner_delegate)["messages_received"][0]["text"] == "Hello"

    account_erase(user=delegate)
    delegate.refresh_from_db()
    assert not delegate.in_directory and not delegate.show_email
    assert delegate.spoken_languages == [] and not delegate.interests.exists()
    assert not ContactMessage.objects.exists()
