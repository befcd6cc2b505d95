import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from cities.models import City, ThematicArea, Topic
from twinning.models import Edition, Milestone, Pairing, PairingStatusChange

pytestmark = pytest.mark.django_db


def test_load_worldcities_loads_the_2017_2018_editions_idempotently():
    call_command("load_worldcities", stdout=None)
    counts = (
        Edition.objects.count(),
        Pairing.objects.count(),
        City.objects.count(),
        PairingStatusChange.objects.count(),
        Milestone.objects.count(),
    )
    call_command("load_worldcities", stdout=None)
    assert (
        Edition.objects.count(),
        Pairing.objects.count(),
        City.objects.count(),
        PairingStatusChange.objects.count(),
        Milestone.objects.count(),
    ) == counts

    korea = Edition.objects.get(slug="2017-2018-korea")
    assert sorted(str(p) for p in korea.pairings.all()) == [
        "Busan – Barcelona",
        "Gwangju – Tampere",
        "Songpa-gu – Eindhoven",
        "Suwon – Scottish Cities Alliance",
    ]
    suwon = Pairing.objects.get(partner_lead__name="Suwon")
    assert suwon.eu_lead.kind == City.Kind.ALLIANCE
    assert suwon.eu_lead.members.count() == 7
    assert set(suwon.thematic_areas.values_list("name", flat=True)) == {
        "Smart City",
        "Climate Change",
    }
    assert korea.milestones.get(kind=Milestone.Kind.CLOSING).title == "Closing meeting in Busan"
    assert Pairing.objects.filter(edition__slug__startswith="2017-2018").count() == 14
    assert ThematicArea.objects.count() == 4 and Topic.objects.count() == 12


def test_the_seeded_pairings_pass_validation():
    call_command("load_worldcities", stdout=None)
    for pairing in Pairing.objects.select_related("edition", "eu_lead__country"):
        pairing.full_clean()


def test_the_seeded_status_history_is_dated_when_it_happened(client):
    call_command("load_worldcities", stdout=None)
    busan = Pairing.objects.get(partner_lead__name="Busan")
    history = {
        change.to_status: change.changed_at.date()
        for change in PairingStatusChange.objects.filter(pairing=busan)
    }
    assert history == {
        "selected": datetime.date(2017, 3, 1),  # the end of the selection of cities
        "active": datetime.date(2017, 3, 14),  # the launch in Seoul
        "closed": datetime.date(2018, 4, 21),  # the closing meeting in Busan
    }
    for change in PairingStatusChange.objects.all():
        edition = change.pairing.edition
        assert edition.start_date <= change.changed_at.date() <= edition.end_date

    text = client.get(busan.get_absolute_url()).content.decode()
    assert "14 Mar 2017, 10:00 CET" in text and "21 Apr 2018, 10:00 CEST" in text
    assert date_format(timezone.localdate(), "j M Y") not in text.split("Status history")[1]


def test_loading_again_dates_the_history_of_a_database_loaded_before():
    call_command("load_worldcities", stdout=None)
    PairingStatusChange.objects.update(changed_at=timezone.now())
    call_command("load_worldcities", stdout=None)
    assert not PairingStatusChange.objects.filter(changed_at__year__gte=2019).exists()
    # A change made since by someone keeps its date.
    busan = Pairing.objects.get(partner_lead__name="Busan")
    PairingStatusChange.objects.create(
        pairing=busan, from_status="closed", to_status="active", note="Second round"
    )
    call_command("load_worldcities", stdout=None)
    changed = busan.status_changes.get(note="Second round").changed_at
    assert timezone.localdate(changed) == timezone.localdate()
