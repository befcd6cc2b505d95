import datetime

import pytest

from meetings.models import Meeting

pytestmark = pytest.mark.django_db


def load_all():
    from cities import seed as cities_seed
    from meetings import seed
    from twinning import seed as twinning_seed

    cities_seed.load()
    twinning_seed.load()
    return seed.load()


def test_seed_gives_the_korean_meetings_and_is_idempotent():
    first = load_all()
    assert load_all() == first == {"meetings": 6}

    launch = Meeting.objects.get(kind="launch")
    assert launch.host_city.name == "Seoul"
    assert launch.local_starts_at.date() == datetime.date(2017, 3, 14)
    assert launch.time_zone == "Asia/Seoul"
    assert launch.capacity == 40
    assert sorted(launch.quotas.values_list("city__name", "places")) == [
        ("Barcelona", 5),
        ("Eindhoven", 5),
        ("Scottish Cities Alliance", 5),
        ("Tampere", 5),
    ]
    opening = launch.agenda_items.get(title__startswith="Opening")
    assert "Kim Chang-beom" in opening.speakers and "Ronald Hall" in opening.speakers

    working = Meeting.objects.filter(kind="working").select_related("host_city")
    assert sorted(m.host_city.name for m in working) == ["Busan", "Gwangju", "Songpa-gu", "Suwon"]
    for meeting in working:
        assert meeting.local_starts_at.date() == datetime.date(2017, 3, 15)
        assert meeting.local_ends_at.date() == datetime.date(2017, 3, 17)
        assert [q.places for q in meeting.quotas.all()] == [5]
        assert meeting.agenda_items.filter(kind="site_visit").exists()

    closing = Meeting.objects.get(kind="closing")
    assert closing.host_city.name == "Busan"
    assert (closing.local_starts_at.date(), closing.local_ends_at.date()) == (
        datetime.date(2018, 4, 19),
        datetime.date(2018, 4, 21),
    )
    assert closing.pairings.count() == 4

    # The launch and the closing were announced to all; the working meetings were not.
    assert set(Meeting.objects.filter(is_public=True).values_list("kind", flat=True)) == {
        "launch",
        "closing",
    }


def test_a_visitor_reads_the_launch_agenda_after_seeding(client):
    load_all()
    launch = Meeting.objects.get(kind="launch")
    text = client.get(launch.get_absolute_url()).content.decode()
    assert "Opening of World Cities in Korea" in text
    assert "log in to see the agenda" not in text


def test_loading_again_makes_an_older_database_s_launch_public():
    load_all()
    Meeting.objects.update(is_public=False)
    load_all()
    assert Meeting.objects.get(kind="launch").is_public
    assert not Meeting.objects.filter(kind="working", is_public=True).exists()
