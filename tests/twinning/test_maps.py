import itertools
from decimal import Decimal

import pytest

from tests.cities.factories import CityFactory, PartnerCityFactory
from tests.twinning.factories import PairingFactory, PairingMemberFactory
from twinning import maps
from twinning.selectors import pairings_for_list


def test_projection_puts_the_corners_and_the_prime_meridian_in_place():
    assert maps.project(maps.NORTH, -180) == (0, 0)
    assert maps.project(0, 0) == (500, round(maps.NORTH * maps.SCALE, 1))
    assert maps.project(maps.SOUTH, 180) == (1000, maps.HEIGHT)


def test_the_world_outline_comes_from_the_vendored_file():
    outline = maps.world_outline_path()
    assert outline.startswith("M") and outline.count("Z") > 100
    # Rings that cross the antimeridian are drawn twice rather than across the whole map.
    for ring in outline.split("Z")[:-1]:
        xs = [float(point.split(",")[0]) for point in ring.lstrip("M").split("L")]
        steps = [abs(b - a) for a, b in itertools.pairwise(xs)]
        assert max(steps, default=0) < 500


def test_unwrap_keeps_a_ring_continuous():
    assert maps._unwrap([(179, 0), (-179, 1), (-178, 2)]) == [(179, 0), (181, 1), (182, 2)]


@pytest.mark.django_db
def test_a_city_without_coordinates_is_left_off_the_map():
    pairing = PairingFactory(
        eu_lead=CityFactory(name="Nowhere", latitude=None, longitude=None),
        partner_lead=PartnerCityFactory(name="Busan"),
    )
    PairingMemberFactory(
        pairing=pairing,
        city=CityFactory(name="Espoo", latitude=Decimal("60.2"), longitude=Decimal("24.7")),
    )
    drawing = maps.pairing_map(list(pairings_for_list()))
    assert [point.city.name for point in drawing["cities"]] == ["Busan", "Espoo"]
    assert len(drawing["lines"]) == 1  # Espoo to the partner lead
    assert drawing["lines"][0].lead is False
