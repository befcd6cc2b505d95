"""The detail pages people log in to read (a practice, a pairing, a city, a meeting) in a
fixed number of queries for each role: with nothing cached and once their shared parts are
kept, and the same with many more rows. The reader's own state (their unread count, whether
they coordinate the practice, their city's transfer of it, whether their city is a member of
the pairing) comes with rows the page reads anyway, not in queries of its own."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings.services import meeting_default_quotas
from tests.cities.factories import CityFactory, ThematicAreaFactory, TopicFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory, RegistrationFactory
from tests.practices.factories import (
    AttachmentFactory,
    CommentFactory,
    KeyFigureFactory,
    PartnerFactory,
    PracticeFactory,
    TransferFactory,
)
from tests.twinning.factories import (
    ActionFactory,
    ActionProgressUpdateFactory,
    PairingFactory,
    PairingMemberFactory,
)
from tests.users.factories import DelegateFactory
from twinning.models import PairingStatusChange
from worldcities.notifications import services as notifications
from worldcities.notifications.models import Kind

pytestmark = pytest.mark.django_db

# (nothing cached, shared parts kept) per page and role: the reader is a delegate of the
# practice's city (a lead city of the pairing), a delegate of another city, a coordinator of
# the edition, programme staff. Nothing cached counts the session and the user; kept, the
# user (with their unread count), the page's object (with the reader's own state) and what
# is read live for the reader (which drafts a practices section shows them, a registration's
# panel).
EXPECTED = {
    "practice": {
        "delegate": (12, 2),
        "other_delegate": (12, 2),
        "coordinator": (12, 2),
        "staff": (12, 2),
    },
    "pairing": {
        "delegate": (12, 3),
        "other_delegate": (12, 3),
        "coordinator": (12, 3),
        "staff": (12, 3),
    },
    "city": {
        "delegate": (12, 3),
        "other_delegate": (12, 3),
        "coordinator": (12, 3),
        "staff": (12, 3),
    },
    # Another city's delegate sees the meeting's public summary only.
    "meeting": {
        "delegate": (12, 5),
        "other_delegate": (5, 3),
        "coordinator": (11, 4),
        "staff": (10, 3),
    },
}


@pytest.fixture
def world(edition, eu_city, partner_city, delegate, coordinator, programme_staff):
    """A pairing of the coordinator's edition with an action plan, a published practice of
    its EU lead city, and a meeting serving it with an agenda, each with one row of what
    their pages list; ``grow(n)`` adds n more of each."""
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    area = ThematicAreaFactory()
    practice = PracticeFactory(city=eu_city, pairing=pairing, thematic_areas=[area])
    meeting = MeetingFactory(edition=edition, host_city=partner_city, pairings=[pairing])
    meeting_default_quotas(meeting=meeting)
    other = DelegateFactory(city=CityFactory())
    RegistrationFactory(meeting=meeting, person=delegate, city=eu_city)

    def grow(n):
        for _ in range(n):
            city = CityFactory()
            PairingMemberFactory(pairing=pairing, city=city)
            pairing.thematic_areas.add(ThematicAreaFactory())
            pairing.topics.add(TopicFactory())
            action = ActionFactory(pairing=pairing)
            ActionProgressUpdateFactory(action=action)
            PairingStatusChange.objects.create(
                pairing=pairing, from_status="active", to_status="active", changed_by=coordinator
            )
            KeyFigureFactory(practice=practice)
            PartnerFactory(practice=practice)
            AttachmentFactory(practice=practice)
            CommentFactory(practice=practice)
            TransferFactory(practice=practice, city=city)
            practice.thematic_areas.add(ThematicAreaFactory())
            PracticeFactory(city=eu_city, pairing=pairing)
            MeetingFactory(edition=edition, host_city=eu_city, pairings=[pairing])
            AgendaItemFactory(meeting=meeting)
            RegistrationFactory(meeting=meeting, person=DelegateFactory(city=city), city=city)
            for reader in (delegate, other, coordinator, programme_staff):
                notifications.notify(
                    recipient=reader, kind=Kind.REGISTRATION, target=city, title=f"{city}"
                )

    grow(1)
    readers = {
        "delegate": delegate,
        "other_delegate": other,
        "coordinator": coordinator,
        "staff": programme_staff,
    }
    urls = {
        "practice": practice.get_absolute_url(),
        "pairing": pairing.get_absolute_url(),
        "city": eu_city.get_absolute_url(),
        "meeting": meeting.get_absolute_url(),
    }
    return readers, urls, grow


def _counts(client, url) -> tuple[int, int]:
    """Queries of the page with nothing cached (as ``make bench`` measures it: the session
    too is read again), then once its parts are kept."""
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).status_code == 200
    return len(cold), len(warm)


@pytest.mark.parametrize("page", sorted(EXPECTED))
@pytest.mark.parametrize("role", ["delegate", "other_delegate", "coordinator", "staff"])
def test_logged_in_detail_pages_read_a_fixed_number_of_queries(client, world, page, role):
    readers, urls, grow = world
    client.force_login(readers[role])
    first = _counts(client, urls[page])
    grow(4)
    more = _counts(client, urls[page])
    assert first == more, f"{page} for {role}: {first} with few rows, {more} with many"
    assert first == EXPECTED[page][role]
    assert first[0] <= 12


@pytest.mark.parametrize("page", sorted(EXPECTED))
def test_a_detail_page_looks_up_its_kept_parts_together(client, world, monkeypatch, page):
    """Once its parts are kept, a detail page asks the cache three times however many parts
    it keeps: for the reader's session, for the versions of everything its parts show, and
    for the copies kept under them (``versions.cached_many``)."""
    readers, urls, _grow = world
    client.force_login(readers["staff"])
    assert client.get(urls[page]).status_code == 200
    asked, inside = [], []
    for method in ("get", "get_many"):
        original = getattr(cache, method)

        def counted(*args, original=original, method=method, **kwargs):
            if not inside:  # the local cache's get_many calls its own get
                asked.append(method)
            inside.append(method)
            try:
                return original(*args, **kwargs)
            finally:
                inside.pop()

        monkeypatch.setattr(cache, method, counted)
    assert client.get(urls[page]).status_code == 200
    assert asked == ["get", "get_many", "get_many"]
