"""The data generator: the counts it promises, the same rows for the same seed, and a command
that refuses to write twice into one database."""

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from cities.models import City
from meetings.models import AgendaItem, Meeting, Registration
from practices.models import KeyFigure, Practice, PracticePartner
from twinning.models import Action, Pairing
from worldcities import datagen

pytestmark = pytest.mark.django_db

SCALE = 0.001


def _signature() -> dict:
    """What the generated data shows, without ids (sequences are not rolled back)."""
    return {
        "cities": list(City.objects.order_by("slug").values_list("slug", "country__code")),
        "pairings": list(
            Pairing.objects.order_by("slug").values_list("slug", "eu_lead__slug", "status")
        ),
        "practices": list(
            Practice.objects.order_by("slug").values_list("slug", "city__slug", "status", "summary")
        ),
        "areas": sorted(
            Practice.thematic_areas.through.objects.values_list(
                "practice__slug", "thematicarea__slug"
            )
        ),
        "registrations": sorted(
            Registration.objects.values_list("meeting__slug", "person__email", "status")
        ),
    }


def _generate_and_sign(seed: int) -> dict:
    with transaction.atomic():
        datagen.generate(scale=SCALE, seed=seed)
        signature = _signature()
        transaction.set_rollback(True)
    return signature


def test_counts_follow_the_scale():
    counts = datagen.generate(scale=SCALE, seed=3)
    assert counts == datagen.counts_for(SCALE)
    generated = Practice.objects.filter(slug__startswith="gen-")
    assert generated.count() == counts["practices"] == 100
    assert Pairing.objects.filter(slug__startswith="gen-").count() == counts["pairings"]
    assert City.objects.filter(slug__startswith="gen-").count() == counts["cities"]
    meetings = Meeting.objects.filter(slug__startswith="gen-")
    assert meetings.count() == counts["meetings"] == 10
    assert Registration.objects.filter(meeting__in=meetings).count() == counts["registrations"]
    assert AgendaItem.objects.filter(meeting__in=meetings).exists()
    assert Action.objects.filter(pairing__slug__startswith="gen-").exists()
    assert KeyFigure.objects.filter(practice__in=generated).exists()
    assert PracticePartner.objects.filter(practice__in=generated).exists()
    assert not generated.filter(thematic_areas__isnull=True).exists()


def test_counts_at_scale_one_are_the_issues():
    counts = datagen.counts_for(1)
    assert counts["practices"] == 100_000
    assert counts["cities"] == 5_000
    assert counts["pairings"] == 2_000
    assert counts["meetings"] == 10_000
    assert counts["registrations"] == 200_000


def test_the_same_seed_gives_the_same_rows_and_another_seed_others():
    first, again, other = _generate_and_sign(5), _generate_and_sign(5), _generate_and_sign(6)
    assert first == again
    assert first["practices"] and first["registrations"]
    assert first["practices"] != other["practices"]


def test_search_vectors_are_filled_and_searchable():
    datagen.generate(scale=SCALE, seed=2)
    assert not Practice.objects.filter(search_vector__isnull=True).exists()
    from practices.selectors import practice_search

    assert practice_search(Practice.objects.all(), "energy efficiency").exists()


def test_the_command_writes_once(capsys):
    call_command("generate_data", scale=SCALE, seed=1)
    assert "Generated in" in capsys.readouterr().out
    with pytest.raises(CommandError, match="already holds generated data"):
        call_command("generate_data", scale=SCALE, seed=1)
