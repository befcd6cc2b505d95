"""Triple-helix opportunities: posting (and what is refused), the list and its filters, the
matching that tells the right people once, answering, and "we are in touch"."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from cities.models import Opportunity, OpportunityResponse, Organisation
from cities.services import opportunities_match, opportunity_answer
from cities.tasks import match_new_opportunity, match_opportunities
from tests.cities.factories import (
    CityFactory,
    OpportunityFactory,
    OrganisationFactory,
    ThematicAreaFactory,
)
from tests.users.factories import CoordinatorFactory, DelegateFactory, ProgrammeStaffFactory
from worldcities.notifications.models import Delivery, EmailMessage, Kind, Notification
from worldcities.notifications.services import preferences_set

pytestmark = pytest.mark.django_db

LIST = reverse("cities:opportunities")
NEW = reverse("cities:opportunity_create")
TODAY = datetime.date.today()


@pytest.fixture
def area():
    return ThematicAreaFactory(name="Smart City", slug="smart-city")


@pytest.fixture
def research(eu_city):
    return OrganisationFactory(
        name="Barcelona Urban Lab",
        city=eu_city,
        kind=Organisation.Kind.RESEARCH,
        sector=Organisation.Sector.RESEARCH,
    )


def _form(organisation, area, **changes):
    data = {
        "organisation": organisation.pk,
        "direction": Opportunity.Direction.NEED,
        "kind": Opportunity.Kind.TECHNOLOGY,
        "title": "Low-cost air sensors",
        "description": "We need sensors for a living lab.",
        "areas": [area.pk],
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + datetime.timedelta(days=60)).isoformat(),
    }
    data.update(changes)
    return data


# --- Posting ------------------------------------------------------------------------------------
def test_a_delegate_posts_a_need_of_their_citys_organisation(
    client, delegate, research, area, django_capture_on_commit_callbacks
):
    client.force_login(delegate)
    assert client.get(NEW).status_code == 200
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(NEW, _form(research, area))
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == opportunity.get_absolute_url()
    assert opportunity.city == research.city and opportunity.posted_by == delegate
    assert list(opportunity.areas.all()) == [area]
    assert opportunity.matched_at is None  # told in the background
    assert len(callbacks) == 1
    page = client.get(opportunity.get_absolute_url()).text
    assert "Low-cost air sensors" in page and "Barcelona Urban Lab" in page


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"valid_until": (TODAY - datetime.timedelta(days=1)).isoformat()},
            "An opportunity cannot end before it starts.",
        ),
        (
            {
                "valid_from": (TODAY - datetime.timedelta(days=30)).isoformat(),
                "valid_until": (TODAY - datetime.timedelta(days=1)).isoformat(),
            },
            "The validity period is already over: choose a later end.",
        ),
        ({"areas": []}, "Choose at least one thematic area."),
        ({"title": ""}, "This field is required."),
    ],
)
def test_bad_opportunities_are_refused_and_nothing_is_saved(
    client, delegate, research, area, changes, message
):
    client.force_login(delegate)
    response = client.post(NEW, _form(research, area, **changes))
    assert response.status_code == 400
    assert message in response.text
    assert not Opportunity.objects.exists()


def test_a_delegate_cannot_post_for_another_citys_organisation(client, delegate, research, area):
    elsewhere = OrganisationFactory(city=CityFactory())
    client.force_login(delegate)
    response = client.post(NEW, _form(elsewhere, area))
    assert response.status_code == 400
    assert "only for the organisations of your own city" in response.text
    assert not Opportunity.objects.exists()

    from cities.services import opportunity_post

    with pytest.raises(ValidationError, match="only for the organisations of your own city"):
        opportunity_post(
            by=delegate,
            organisation=elsewhere,
            direction="need",
            kind="technology",
            title="Sensors",
            description="Sensors",
            areas=[area],
            valid_from=TODAY,
            valid_until=TODAY,
        )
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize("factory", [CoordinatorFactory, ProgrammeStaffFactory])
def test_coordinators_and_staff_post_for_any_city(client, factory, research, area):
    client.force_login(factory())
    assert client.post(NEW, _form(research, area)).status_code == 302
    assert Opportunity.objects.count() == 1


def test_who_may_open_the_pages(client, delegate, research, area):
    opportunity = OpportunityFactory(organisation=research)
    for url in (LIST, NEW, opportunity.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    delegate_without_organisations = DelegateFactory()
    client.force_login(delegate_without_organisations)
    assert client.get(LIST).status_code == 200
    assert client.get(opportunity.get_absolute_url()).status_code == 200
    assert client.get(NEW).status_code == 403
    assert (
        client.get(reverse("cities:opportunity", args=[opportunity.pk + 1000])).status_code == 404
    )


# --- The list -----------------------------------------------------------------------------------
def test_the_list_shows_open_opportunities_and_filters_them(client, delegate, area):
    other = ThematicAreaFactory(name="Urban economy", slug="urban-economy")
    OpportunityFactory(title="Open need", areas=[area])
    OpportunityFactory(
        title="Offered investment",
        direction=Opportunity.Direction.OFFER,
        kind=Opportunity.Kind.INVESTMENT,
        areas=[other],
        organisation=OrganisationFactory(
            kind=Organisation.Kind.BUSINESS, sector=Organisation.Sector.BUSINESS
        ),
    )
    OpportunityFactory(
        title="Old need",
        valid_from=TODAY - datetime.timedelta(days=60),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    client.force_login(delegate)

    def titles(**params):
        text = client.get(LIST, params).text
        return {t for t in ("Open need", "Offered investment", "Old need") if t in text}

    assert titles() == {"Open need", "Offered investment"}
    assert titles(validity="expired") == {"Old need"}
    assert titles(validity="all") == {"Open need", "Offered investment", "Old need"}
    assert titles(direction="offer") == {"Offered investment"}
    assert titles(kind="investment") == {"Offered investment"}
    assert titles(area="smart-city") == {"Open need"}
    assert titles(sector="business") == {"Offered investment"}
    assert titles(q="investment") == {"Offered investment"}


def test_the_list_makes_as_many_queries_for_many_opportunities(
    client, programme_staff, assert_flat_queries
):
    areas = ThematicAreaFactory.create_batch(2)
    client.force_login(programme_staff)

    def make(n):
        for _ in range(n):
            opportunity = OpportunityFactory(areas=areas)
            OpportunityResponse.objects.create(
                opportunity=opportunity,
                responder=DelegateFactory(),
                message="Hello",
                confirmed_at=timezone.now(),
            )

    assert_flat_queries(make, lambda: client.get(LIST), small=1, large=20)


# --- Matching -----------------------------------------------------------------------------------
@pytest.fixture
def people(area, eu_city):
    """People around a need for a technology in ``area``."""
    other_area = ThematicAreaFactory(name="Culture", slug="culture")

    def person(name, sector, interests, **extra):
        organisation = OrganisationFactory(name=f"{name}'s organisation", sector=sector)
        user = DelegateFactory(full_name=name, organisation=organisation, **extra)
        user.interests.set(interests)
        return user

    return {
        "business": person("Bea Business", Organisation.Sector.BUSINESS, [area]),
        "research": person("Rob Research", Organisation.Sector.RESEARCH, [area]),
        "government": person("Gil Government", Organisation.Sector.GOVERNMENT, [area]),
        "uninterested": person("Ulla Business", Organisation.Sector.BUSINESS, [other_area]),
        "inactive": person("Ian Business", Organisation.Sector.BUSINESS, [area], is_active=False),
    }


def test_a_need_is_told_to_interested_people_of_complementary_organisations_once(
    people, area, research
):
    poster_colleague = DelegateFactory(full_name="Colleague", organisation=research)
    poster_colleague.interests.set([area])
    need = OpportunityFactory(organisation=research, areas=[area])
    need.posted_by.interests.set([area])

    assert opportunities_match() == 1
    told = set(
        Notification.objects.filter(kind=Kind.OPPORTUNITY_MATCH).values_list(
            "recipient__full_name", flat=True
        )
    )
    # A technology is sought from businesses and research; not from the poster's own
    # organisation, nor from people without the interest, nor from inactive accounts.
    assert told == {"Bea Business", "Rob Research"}
    need.refresh_from_db()
    assert need.matched_at is not None
    assert opportunities_match() == 0
    assert match_new_opportunity.apply(args=[need.pk]).get(disable_sync_subtasks=False) == 0
    assert Notification.objects.filter(kind=Kind.OPPORTUNITY_MATCH).count() == 2
    notice = Notification.objects.get(recipient=people["business"])
    assert "needs: " in notice.title and notice.url == need.get_absolute_url()


def test_an_offer_is_told_to_everyone_interested(people, area):
    offer = OpportunityFactory(
        direction=Opportunity.Direction.OFFER,
        kind=Opportunity.Kind.PILOT_SITE,
        areas=[area],
        organisation=OrganisationFactory(sector=Organisation.Sector.GOVERNMENT),
    )
    match_new_opportunity.apply(args=[offer.pk]).get(disable_sync_subtasks=False)
    told = set(Notification.objects.values_list("recipient__full_name", flat=True))
    assert told == {"Bea Business", "Rob Research", "Gil Government"}


def test_matching_follows_each_persons_delivery(people, area, research):
    """Matches wait for the daily digest unless one chose an e-mail at once."""
    preferences_set(user=people["research"], choices={Kind.OPPORTUNITY_MATCH: Delivery.IMMEDIATE})
    OpportunityFactory(organisation=research, areas=[area])
    opportunities_match()
    assert EmailMessage.objects.filter(recipient=people["research"]).count() == 1
    assert Notification.objects.get(recipient=people["research"]).email is not None
    assert not EmailMessage.objects.filter(recipient=people["business"]).exists()
    assert Notification.objects.get(recipient=people["business"]).delivery == Delivery.DAILY


def test_the_periodic_matching_takes_batches_until_none_is_left(
    people, area, research, monkeypatch
):
    from cities import services

    monkeypatch.setattr(services, "MATCH_BATCH", 2)
    needs = [OpportunityFactory(organisation=research, areas=[area]) for _ in range(5)]
    expired = OpportunityFactory(
        organisation=research,
        areas=[area],
        valid_from=TODAY - datetime.timedelta(days=9),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    assert match_opportunities.apply().get(disable_sync_subtasks=False) == 6
    assert not Opportunity.objects.filter(matched_at__isnull=True).exists()
    # Batches of two: each matching person is told once per batch, of the batch's needs that
    # match them (the expired one tells nobody).
    business = Notification.objects.filter(recipient=people["business"]).order_by("pk")
    assert [n.title for n in business][:2] == [
        "2 new opportunities match your interests",
        "2 new opportunities match your interests",
    ]
    assert needs[0].title in business[0].body and needs[1].title in business[0].body
    assert business[0].url == LIST
    assert business.count() == 3
    assert needs[4].title in business[2].title
    assert Notification.objects.count() == 6
    assert not Notification.objects.filter(body__contains=expired.title).exists()


# --- Answering and "we are in touch" -----------------------------------------------------------
def test_an_answer_and_its_confirmation(client, people, area, research):
    need = OpportunityFactory(organisation=research, areas=[area])
    business = people["business"]
    client.force_login(business)
    response = client.post(need.get_absolute_url(), {"message": "Our sensors fit."})
    assert response.status_code == 302
    answer = OpportunityResponse.objects.get()
    assert answer.organisation == business.organisation
    told = Notification.objects.get(recipient=need.posted_by, kind=Kind.OPPORTUNITY_ANSWER)
    assert "Bea Business answered" in told.title

    confirm = reverse("cities:opportunity_confirm", args=[need.pk, answer.pk])
    assert client.post(confirm).status_code == 302  # not the poster: refused
    answer.refresh_from_db()
    assert answer.confirmed_at is None

    client.force_login(need.posted_by)
    client.post(confirm)
    answer.refresh_from_db()
    assert answer.confirmed_by == need.posted_by and answer.confirmed_at is not None
    assert Notification.objects.filter(recipient=business, kind=Kind.OPPORTUNITY_ANSWER).exists()
    page = client.get(need.get_absolute_url()).text
    assert "We are in touch with:" in page and "Bea Business" in page
    assert "Taken up" in client.get(LIST).text
    client.post(confirm)
    assert "You already confirmed" in client.get(need.get_absolute_url()).text


def test_an_expired_opportunity_cannot_be_answered(client, people, research, area):
    need = OpportunityFactory(
        organisation=research,
        areas=[area],
        valid_from=TODAY - datetime.timedelta(days=30),
        valid_until=TODAY - datetime.timedelta(days=1),
    )
    client.force_login(people["business"])
    response = client.post(need.get_absolute_url(), {"message": "Still interested?"})
    assert response.status_code == 400
    assert "it can no longer be answered" in response.text
    assert not OpportunityResponse.objects.exists()
    assert not Notification.objects.exists()


def test_answers_that_are_refused(client, people, research, area):
    need = OpportunityFactory(organisation=research, areas=[area])
    with pytest.raises(ValidationError, match="your own organisation"):
        opportunity_answer(opportunity=need, by=need.posted_by, message="Me")
    client.force_login(people["business"])
    assert client.post(need.get_absolute_url(), {"message": ""}).status_code == 400
    client.post(need.get_absolute_url(), {"message": "First"})
    with pytest.raises(ValidationError, match="already answered"):
        opportunity_answer(opportunity=need, by=people["business"], message="Again")
    assert OpportunityResponse.objects.count() == 1
