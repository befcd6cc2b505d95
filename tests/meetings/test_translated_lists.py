"""Everywhere a meeting's title or description shows (the list, the calendar, the home page,
the city, pairing and edition pages, the feeds, search, notices), a reader gets the meeting's
translation into their language when it has one, as its own page does."""

import pytest
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from meetings.models import Registration
from meetings.notices import registration_notices
from tests.meetings.factories import (
    MeetingFactory,
    MeetingTranslationFactory,
    RegistrationFactory,
    in_days,
)
from tests.users.factories import DelegateFactory
from worldcities.notifications.models import Notification

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}
GERMAN = {"HTTP_ACCEPT_LANGUAGE": "de"}


@pytest.fixture
def translated(meeting):
    MeetingTranslationFactory(
        meeting=meeting, language="ko", title="광주 실무회의", description="수소연료전지 견학"
    )
    meeting.is_public = True
    meeting.save(update_fields=["is_public"])
    return meeting


def _pages(meeting, pairing, partner_city, edition):
    return {
        "list": reverse("meetings:list"),
        "calendar": reverse(
            "meetings:month",
            args=[meeting.local_starts_at.year, meeting.local_starts_at.month],
        ),
        "home": reverse("home"),
        "city": reverse("cities:detail", args=[partner_city.slug]),
        "pairing": reverse("twinning:pairing_detail", args=[pairing.slug]),
        "edition": reverse("twinning:edition_detail", args=[edition.slug]),
        "search": reverse("search") + "?q=" + meeting.title.split()[-1] + "&kind=meetings",
    }


@pytest.mark.parametrize(
    "where", ["list", "calendar", "home", "city", "pairing", "edition", "search"]
)
def test_a_korean_reader_sees_the_korean_title_a_german_reader_the_original(
    client, translated, pairing, partner_city, edition, where
):
    url = _pages(translated, pairing, partner_city, edition)[where]
    korean = client.get(url, **KOREAN)
    assert korean.status_code == 200
    assert "광주 실무회의" in korean.content.decode()
    assert translated.title not in korean.content.decode()
    german = client.get(url, **GERMAN).content.decode()
    assert translated.title in german
    assert "광주 실무회의" not in german


def test_a_new_translation_shows_at_once_on_the_kept_list(client, meeting, coordinator):
    assert meeting.title in client.get(reverse("meetings:list"), **KOREAN).content.decode()
    services.meeting_translation_save(
        meeting=meeting, by=coordinator, language="ko", title="새 제목", description=""
    )
    page = client.get(reverse("meetings:list"), **KOREAN).content.decode()
    assert "새 제목" in page and meeting.title not in page


def test_the_atom_feed_and_the_public_calendar_speak_the_readers_language(client, translated):
    feed = client.get(reverse("meetings:upcoming_feed"), **KOREAN).content.decode()
    assert "광주 실무회의" in feed and "수소연료전지 견학" in feed
    assert translated.title not in feed
    assert translated.title in client.get(reverse("meetings:upcoming_feed")).content.decode()

    calendar = Calendar.from_ical(client.get(reverse("meetings:programme_ics"), **KOREAN).content)
    summaries = [str(event["summary"]) for event in calendar.walk("VEVENT")]
    assert "광주 실무회의" in summaries
    one = Calendar.from_ical(
        client.get(reverse("meetings:ics", args=[translated.pk]), **KOREAN).content
    )
    assert [str(e["summary"]) for e in one.walk("VEVENT")] == ["광주 실무회의"]


def test_a_personal_feed_speaks_its_owners_language(client, translated):
    person = DelegateFactory(language="ko", city=translated.host_city)
    RegistrationFactory(meeting=translated, person=person, status=Registration.Status.CONFIRMED)
    token = services.feed_token_for(user=person)
    answer = client.get(reverse("meetings:feed_ics", args=[token.token]), **GERMAN)
    summaries = [str(e["summary"]) for e in Calendar.from_ical(answer.content).walk("VEVENT")]
    assert "광주 실무회의" in summaries


def test_a_notice_names_the_meeting_in_its_recipients_language(translated):
    korean = DelegateFactory(language="ko", city=translated.host_city)
    german = DelegateFactory(language="de", city=translated.host_city)
    registration_notices(
        [
            RegistrationFactory(
                meeting=translated, person=person, status=Registration.Status.CONFIRMED
            )
            for person in (korean, german)
        ]
    )
    titles = dict(Notification.objects.values_list("recipient__language", "title"))
    assert "광주 실무회의" in titles["ko"]
    assert translated.title in titles["de"] and "광주" not in titles["de"]


def test_the_list_and_the_calendar_read_translations_in_a_fixed_number_of_queries(
    client, edition, partner_city, assert_flat_queries
):
    start, end = in_days(3), in_days(3, hour=17)

    def make_rows(n):
        for _ in range(n):
            MeetingTranslationFactory(
                meeting=MeetingFactory(
                    edition=edition, host_city=partner_city, starts_at=start, ends_at=end
                ),
                language="ko",
            )

    month = reverse("meetings:month", args=[start.year, start.month])
    assert_flat_queries(make_rows, lambda: client.get(reverse("meetings:list"), **KOREAN))
    assert_flat_queries(make_rows, lambda: client.get(month, **KOREAN))


def test_an_action_plan_links_the_meeting_and_the_practice_by_their_korean_titles(
    client, meeting, pairing, coordinator
):
    from tests.practices.factories import PracticeFactory, PracticeTranslationFactory
    from tests.twinning.factories import ActionFactory

    action = ActionFactory(pairing=pairing)
    meeting.actions.add(action)
    practice = PracticeFactory(title="Hydrogen buses", city=pairing.eu_lead)
    practice.actions.add(action)
    PracticeTranslationFactory(practice=practice, language="ko", title="수소 버스")
    url = reverse("twinning:pairing_detail", args=[pairing.slug])
    page = client.get(url, **KOREAN).content.decode()
    assert meeting.title in page and "수소 버스" in page

    # A translation added later shows at once on the kept plan.
    services.meeting_translation_save(
        meeting=meeting, by=coordinator, language="ko", title="광주 실무회의", description=""
    )
    page = client.get(url, **KOREAN).content.decode()
    assert "광주 실무회의" in page
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hydrogen buses" in english and "광주 실무회의" not in english
