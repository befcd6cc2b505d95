"""What the practice pages keep (``worldcities.versions``): a practice's page under its own
version, the list's facets and cards under the published practices' version. A write moves on
only the versions of what it changed, so the rest stays served from the cache, and what did
change shows at once."""

import datetime
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practices.models import Practice
from practices.services import comment_create
from tests.cities.factories import CityFactory, CountryFactory, ThematicAreaFactory
from tests.twinning.factories import PairingFactory
from tests.users.factories import DelegateFactory
from twinning.models import PairingMember
from worldcities import versions

from .factories import PracticeFactory
from .test_views import practice_post

pytestmark = pytest.mark.django_db


def read(client, url) -> tuple[int, str]:
    """The number of queries a page took, and its HTML."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def side_counts(client) -> dict[str, int]:
    """The side facet's counts as the practice list shows them."""
    html = read(client, reverse("practices:list"))[1]
    facet = html.split("<legend>Side</legend>")[1].split("</fieldset>")[0]
    return {
        value: int(count)
        for value, count in re.findall(
            r'name="side" value="(\w+)".*?facet-count">\((\d+)\)', facet, flags=re.S
        )
    }


def test_a_question_on_one_practice_leaves_the_other_pages_cached_and_shows_at_once(
    client, make_practice, partner_delegate
):
    a = make_practice(title="Open mobility data")
    b = make_practice(title="Solar roofs")
    pages = {"b": b.get_absolute_url(), "list": reverse("practices:list")}
    served = {}
    for name, url in pages.items():
        first, _html = read(client, url)
        read(client, url)  # its parts come from the cache; the whole page is kept now
        served[name], _html = read(client, url)
        assert served[name] == 0 < first, name  # the next visitor gets the kept page
    read(client, a.get_absolute_url())

    asker = Client()
    asker.force_login(partner_delegate)
    response = asker.post(
        reverse("practices:comment", kwargs={"slug": a.slug}),
        {"comment-kind": "question", "comment-body": "Who paid for the sensors?"},
    )
    assert response.status_code == 302

    for name, url in pages.items():
        assert read(client, url)[0] == served[name], name  # still the cached copy
    assert "Who paid for the sensors?" in read(client, a.get_absolute_url())[1]
    assert "Who paid for the sensors?" not in read(client, pages["b"])[1]


def test_an_edit_of_a_published_practice_shows_on_the_list_and_its_page_at_once(
    client, make_practice, delegate
):
    practice = make_practice(title="Hydrogen buses")
    list_url = reverse("practices:list")
    reader = Client()
    assert "Hydrogen buses" in read(reader, list_url)[1]
    assert "Hydrogen buses" in read(reader, practice.get_absolute_url())[1]
    client.force_login(delegate)
    response = client.post(
        reverse("practices:edit", kwargs={"slug": practice.slug}),
        practice_post(ThematicAreaFactory(), title="Hydrogen ferries", then="save"),
    )
    assert response.status_code == 302
    for url in (list_url, practice.get_absolute_url()):
        html = read(reader, url)[1]
        assert "Hydrogen ferries" in html and "Hydrogen buses" not in html


def test_a_question_on_a_practice_moves_only_its_questions(make_practice, partner_delegate):
    a, b = make_practice(), make_practice()
    names = [
        f"practice:{a.pk}:questions",
        f"practice:{a.pk}",
        f"practice:{b.pk}:questions",
        "practices:published",
    ]
    before = versions.current(names)
    comment_create(practice=a, by=partner_delegate, body="How long did it take?")
    after = versions.current(names)
    assert after[0] != before[0]
    assert after[1:] == before[1:]


def test_a_question_renders_the_questions_again_and_keeps_the_rest_of_the_page(
    make_practice, partner_delegate
):
    """After a question, the practice's page reads its questions again (one query) and
    takes its header, text, uptake, versions and history from the cache."""
    practice = make_practice(title="Open mobility data")
    reader = Client()
    reader.force_login(partner_delegate)
    url = practice.get_absolute_url()
    read(reader, url)
    kept, _html = read(reader, url)
    comment_create(practice=practice, by=partner_delegate, body="Who paid for the sensors?")
    with CaptureQueriesContext(connection) as queries:
        response = reader.get(url)
    assert "Who paid for the sensors?" in response.content.decode()
    assert len(queries) == kept + 1
    assert [q["sql"] for q in queries if "practices_practicestatuschange" in q["sql"]] == []


def test_a_practice_deleted_in_the_admin_leaves_the_list_at_once(client, programme_staff):
    practice = PracticeFactory(title="Street lights")
    assert "Street lights" in read(client, reverse("practices:list"))[1]
    staff = Client()
    staff.force_login(programme_staff)
    response = staff.post(
        reverse("admin:practices_practice_changelist"),
        {"action": "delete_selected", "_selected_action": [practice.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Practice.objects.exists()
    assert "Street lights" not in read(client, reverse("practices:list"))[1]


def test_a_city_moved_across_its_pairing_lists_its_practices_on_the_new_side(client, pairing):
    """Glasgow joined the pairing's EU side while its country was in the EU; the pairing then
    moves it to the partner side. Its practices are on the side it is on now."""
    britain = CountryFactory(
        code="GB",
        name="United Kingdom",
        eu_joined=datetime.date(1973, 1, 1),
        eu_left=datetime.date(2020, 1, 31),
    )
    glasgow = CityFactory(name="Glasgow", slug="glasgow", country=britain)
    member = PairingMember.objects.create(pairing=pairing, city=glasgow, side="eu")
    PracticeFactory(title="Within the pairing", city=glasgow, pairing=pairing)
    PracticeFactory(title="On its own", city=glasgow, pairing=None)
    PracticeFactory(title="Of the lead", city=pairing.eu_lead, pairing=pairing)

    def titles(query):
        html = read(client, f"{reverse('practices:list')}?{query}")[1]
        return sorted(
            title for title in ("Within the pairing", "On its own", "Of the lead") if title in html
        )

    assert side_counts(client) == {"eu": 3}
    assert titles("side=partner") == []

    member.side = PairingMember.Side.PARTNER
    member.save()
    versions.bump(f"pairing:{pairing.pk}", "pairings")  # as the pairing's own write does

    assert side_counts(client) == {"eu": 1, "partner": 2}
    assert titles("side=partner") == ["On its own", "Within the pairing"]
    assert titles("side=eu") == ["Of the lead"]
    sides = dict(Practice.objects.with_side().values_list("title", "side"))
    assert sides == {
        "Within the pairing": "partner",
        "On its own": "partner",
        "Of the lead": "eu",
    }


def test_the_side_follows_the_pairing_then_any_pairing_then_the_country(pairing, partner_city):
    """A city's side in the practice's own pairing wins; without a pairing, its side in any
    pairing (the EU side first); else its country's EU membership today."""
    eu_country_city = CityFactory(slug="lisbon")
    left = CountryFactory(eu_joined=datetime.date(1973, 1, 1), eu_left=datetime.date(2020, 1, 31))
    joins_later = CountryFactory(eu_joined=datetime.date.today() + datetime.timedelta(days=30))
    rows = {
        "partner lead in its pairing": (partner_city, pairing),
        "partner lead on its own": (partner_city, None),
        "EU country, no pairing": (eu_country_city, None),
        "left the EU": (CityFactory(slug="leeds", country=left), None),
        "joins later": (CityFactory(slug="zagreb", country=joins_later), None),
        "not in its pairing": (eu_country_city, pairing),
    }
    for title, (city, in_pairing) in rows.items():
        PracticeFactory(title=title, city=city, pairing=in_pairing)
    assert dict(Practice.objects.with_side().values_list("title", "side")) == {
        "partner lead in its pairing": "partner",
        "partner lead on its own": "partner",
        "EU country, no pairing": "eu",
        "left the EU": "partner",
        "joins later": "partner",
        "not in its pairing": "eu",
    }
    # The list counts each (city, pairing) once, from the city and pairing alone: the counts
    # it shows agree with each practice's side.
    porto = CityFactory(slug="porto", country=eu_country_city.country)
    PairingMember.objects.create(pairing=pairing, city=porto, side="partner")
    PracticeFactory(title="further member in its pairing", city=porto, pairing=pairing)
    PracticeFactory(title="further member on its own", city=porto, pairing=None)
    sides = list(Practice.objects.with_side().values_list("side", flat=True))
    assert side_counts(Client()) == {side: sides.count(side) for side in set(sides)}
    assert side_counts(Client()) == {"eu": 2, "partner": 6}


def test_visitors_share_the_pairing_s_practices_while_delegates_see_their_drafts(
    client, client_for, make_practice, pairing, delegate, coordinator
):
    from practices.services import practice_publish

    make_practice(title="Open mobility data")
    draft = make_practice(title="Hydrogen buses", status=Practice.Status.DRAFT)
    url = pairing.get_absolute_url()
    page = client.get(url).content.decode()
    assert "Open mobility data" in page and "Hydrogen buses" not in page
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    # The section came from the cache: no practice was read.
    assert not [q for q in again.captured_queries if "practices_practice" in q["sql"]]
    # A delegate of the city sees its draft: their section is read for them.
    assert "Hydrogen buses" in client_for(delegate).get(url).content.decode()
    client.logout()
    # Once published, visitors see it at once.
    draft.status = Practice.Status.SUBMITTED
    draft.save()
    practice_publish(practice=draft, by=coordinator)
    assert "Hydrogen buses" in read(Client(), url)[1]


def kept_for_visitors(client, pages: dict) -> None:
    """Each page read until a visitor gets the kept copy, without a query."""
    for name, url in pages.items():
        read(client, url)  # learns its names
        read(client, url)  # kept
        assert read(client, url)[0] == 0, name


def test_a_publication_shows_on_its_city_and_pairing_and_leaves_the_others_kept(
    client, make_practice, programme_staff, pairing, edition
):
    from practices.services import practice_publish

    oulu = CityFactory(name="Oulu", slug="oulu")
    elsewhere = PairingFactory(edition=edition, eu_lead=oulu, slug="oulu-xian")
    make_practice(title="Snow logistics", city=oulu, pairing=elsewhere)
    submitted = make_practice(
        title="Heat plan", status=Practice.Status.SUBMITTED, published_at=None
    )
    pages = {
        "its city": pairing.eu_lead.get_absolute_url(),
        "its pairing": pairing.get_absolute_url(),
        "another city": oulu.get_absolute_url(),
        "another pairing": elsewhere.get_absolute_url(),
    }
    kept_for_visitors(client, pages)

    practice_publish(practice=submitted, by=programme_staff)

    for name in ("another city", "another pairing"):
        queries, html = read(client, pages[name])
        assert queries == 0, name  # still the kept copy
        assert "Snow logistics" in html and "Heat plan" not in html
    for name in ("its city", "its pairing"):
        assert "Heat plan" in read(client, pages[name])[1], name


def test_an_edit_of_a_practice_shows_at_once_on_the_cities_that_took_it_up(
    client, make_practice, pairing
):
    from practices.services import practice_save, practice_transfer_set

    practice = make_practice(title="Hydrogen buses")
    oulu = CityFactory(name="Oulu", slug="oulu")
    practice_transfer_set(practice=practice, by=None, status="adapting", city=oulu)
    pages = {"taker": oulu.get_absolute_url(), "owner": pairing.eu_lead.get_absolute_url()}
    kept_for_visitors(client, pages)
    assert "Hydrogen buses" in read(client, pages["taker"])[1]

    practice.title = "Hydrogen ferries"
    practice_save(practice=practice, by=None)

    for url in pages.values():
        html = read(client, url)[1]
        assert "Hydrogen ferries" in html and "Hydrogen buses" not in html


def test_a_visitor_gets_a_kept_page_then_a_304_until_a_question_changes_it(
    client, practice, partner_delegate
):
    url = practice.get_absolute_url()
    read(client, url)
    read(client, url)
    queries, html = read(client, url)
    assert queries == 0
    response = client.get(url)
    etag = response["ETag"]
    assert response.content.decode() == html
    assert "no-cache" in response["Cache-Control"]

    unchanged = client.get(url, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    comment_create(practice=practice, by=partner_delegate, body="Who paid for the sensors?")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert "Who paid for the sensors?" in changed.content.decode()


def test_a_city_s_transfer_shows_on_its_page_for_visitors_at_once(client, practice, partner_city):
    from practices.services import practice_transfer_set

    url = partner_city.get_absolute_url()
    for _ in range(3):
        queries, html = read(client, url)
    assert queries == 0
    assert "Open mobility data" not in html
    practice_transfer_set(practice=practice, by=None, city=partner_city, status="interested")
    html = read(client, url)[1]
    assert "Open mobility data" in html and "Interested" in html


def practice_reads(client, url) -> tuple[list[str], str]:
    """The queries of a page that read practices, and its HTML."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "practices_practice" in q["sql"]]
    return reads, response.content.decode()


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", ["city", "pairing"])
def test_people_who_see_only_published_practices_share_one_section(
    make_practice, pairing, partner_city, partner_delegate, page
):
    make_practice(title="Open mobility data")
    make_practice(title="Hydrogen buses", status=Practice.Status.DRAFT)
    url = (pairing.eu_lead if page == "city" else pairing).get_absolute_url()
    assert len(practice_reads(logged_in(partner_delegate), url)[0]) > 1  # kept now
    another = DelegateFactory(city=partner_city)
    reads, html = practice_reads(logged_in(another), url)
    assert "Open mobility data" in html and "Hydrogen buses" not in html
    # One query asks what this reader sees beyond the published practices: nothing.
    assert len(reads) == 1


@pytest.mark.parametrize("page", ["city", "pairing"])
def test_a_draft_shows_to_who_may_see_it_and_its_copy_to_no_one_else(
    make_practice, pairing, delegate, partner_delegate, programme_staff, page
):
    from practices.services import practice_save

    make_practice(title="Open mobility data")
    draft = make_practice(title="Hydrogen buses", status=Practice.Status.DRAFT)
    url = (pairing.eu_lead if page == "city" else pairing).get_absolute_url()
    # A copy is kept per language and time zone: the staff member reads in the delegate's.
    programme_staff.time_zone = delegate.effective_time_zone
    programme_staff.save()
    its_delegate, staff, other = (
        logged_in(delegate),
        logged_in(programme_staff),
        logged_in(partner_delegate),
    )

    assert "Hydrogen buses" in practice_reads(its_delegate, url)[1]
    # Another city's delegate does not see it, though a copy with it is kept.
    _reads, html = practice_reads(other, url)
    assert "Open mobility data" in html and "Hydrogen buses" not in html
    # The staff see the same draft as its city's delegate: they share that copy.
    reads, html = practice_reads(staff, url)
    assert "Hydrogen buses" in html and len(reads) == 1

    draft.title = "Hydrogen ferries"
    practice_save(practice=draft, by=delegate)
    for reader in (its_delegate, staff):
        html = practice_reads(reader, url)[1]
        assert "Hydrogen ferries" in html and "Hydrogen buses" not in html
    assert "Hydrogen" not in practice_reads(other, url)[1]


def test_a_draft_a_city_took_up_shows_on_its_page_to_who_may_see_the_draft(
    client, make_practice, partner_city, delegate, partner_delegate
):
    from practices.services import practice_transfer_set

    draft = make_practice(title="Hydrogen buses")
    practice_transfer_set(practice=draft, by=None, status="adapting", city=partner_city)
    Practice.objects.filter(pk=draft.pk).update(status=Practice.Status.DRAFT)
    url = partner_city.get_absolute_url()
    assert "Hydrogen buses" not in read(client, url)[1]
    assert "Hydrogen buses" in practice_reads(logged_in(delegate), url)[1]
    assert "Hydrogen buses" not in practice_reads(logged_in(partner_delegate), url)[1]


def test_a_reader_who_sees_only_published_practices_is_not_asked_about_drafts(
    make_practice, pairing
):
    from django.contrib.auth.models import AnonymousUser

    from practices.selectors import unpublished_shown
    from tests.users.factories import UserFactory
    from worldcities.users.models import Role

    make_practice(title="Hydrogen buses", status=Practice.Status.DRAFT)
    inactive = DelegateFactory(city=pairing.eu_lead, is_active=False)
    expert = UserFactory(role=Role.EXPERT, city=None)
    for reader in (AnonymousUser(), expert, inactive):
        with CaptureQueriesContext(connection) as queries:
            assert unpublished_shown(reader, city=pairing.eu_lead) == []
        assert not queries.captured_queries
