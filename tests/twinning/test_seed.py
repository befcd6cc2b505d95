import pytest
from django.core.management import call_command

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
