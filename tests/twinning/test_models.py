"""The pairing invariants: each refused with a readable message, by the database where it can
hold them and by validation where it cannot."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.cities.factories import CityFactory, CountryFactory, PartnerCityFactory
from tests.twinning.factories import (
    ActionFactory,
    EditionFactory,
    PairingFactory,
    PairingMemberFactory,
)
from twinning.models import Action, Pairing, PairingMember

pytestmark = pytest.mark.django_db


@pytest.fixture
def uk_city():
    uk = CountryFactory(
        code="GB",
        name="United Kingdom",
        eu_joined=datetime.date(1973, 1, 1),
        eu_left=datetime.date(2020, 1, 31),
    )
    return CityFactory(name="Belfast", slug="belfast", country=uk)


def test_a_city_cannot_be_on_both_sides(eu_city, edition):
    pairing = Pairing(edition=edition, eu_lead=eu_city, partner_lead=eu_city, slug="same")
    with pytest.raises(ValidationError) as caught:
        pairing.full_clean()
    assert (
        "A city cannot be on both sides of a pairing." in caught.value.message_dict["partner_lead"]
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(edition=edition, eu_lead=eu_city, partner_lead=eu_city, slug="x")


def test_each_side_has_a_lead_city(edition, eu_city):
    pairing = Pairing(edition=edition, eu_lead=eu_city, slug="one-sided")
    with pytest.raises(ValidationError) as caught:
        pairing.full_clean()
    assert "partner_lead" in caught.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        Pairing.objects.create(edition=edition, eu_lead=eu_city, slug="one-sided")


def test_one_pairing_per_lead_pair_per_edition(edition, eu_city, partner_city):
    PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    again = Pairing(edition=edition, eu_lead=eu_city, partner_lead=partner_city, slug="again")
    with pytest.raises(ValidationError) as caught:
        again.full_clean()
    assert "These two cities are already paired in this edition." in caught.value.messages
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    # The same two cities may pair again in another edition.
    other = EditionFactory()
    Pairing(edition=other, eu_lead=eu_city, partner_lead=partner_city, slug="later").full_clean()


def test_a_uk_city_is_on_the_eu_side_in_2017_and_not_after_brexit(uk_city, partner_city):
    in_2017 = EditionFactory(
        start_date=datetime.date(2017, 1, 1), end_date=datetime.date(2018, 6, 30)
    )
    Pairing(edition=in_2017, eu_lead=uk_city, partner_lead=partner_city, slug="a").full_clean()

    in_2024 = EditionFactory(
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2025, 6, 30)
    )
    pairing = Pairing(edition=in_2024, eu_lead=uk_city, partner_lead=partner_city, slug="b")
    with pytest.raises(ValidationError) as caught:
        pairing.full_clean()
    assert caught.value.message_dict["eu_lead"] == [
        "Belfast is in United Kingdom, which was not an EU member during this edition."
    ]


def test_the_partner_lead_is_outside_the_eu(edition, eu_city):
    other_eu = CityFactory(name="Graz", slug="graz")
    pairing = Pairing(edition=edition, eu_lead=eu_city, partner_lead=other_eu, slug="eu-eu")
    with pytest.raises(ValidationError) as caught:
        pairing.full_clean()
    assert caught.value.message_dict["partner_lead"] == [
        "Graz is in an EU member state: choose a city of a partner country."
    ]


def test_a_further_member_is_not_a_lead_and_sits_on_its_own_side(edition, eu_city, partner_city):
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    lead_again = PairingMember(pairing=pairing, city=partner_city, side=PairingMember.Side.EU)
    with pytest.raises(ValidationError) as caught:
        lead_again.full_clean()
    assert caught.value.message_dict["city"] == ["This city already leads a side of the pairing."]

    partner_on_eu_side = PairingMember(
        pairing=pairing, city=PartnerCityFactory(), side=PairingMember.Side.EU
    )
    with pytest.raises(ValidationError) as caught:
        partner_on_eu_side.full_clean()
    assert "must be in an EU member state" in caught.value.message_dict["city"][0]

    eu_on_partner_side = PairingMember(
        pairing=pairing, city=CityFactory(), side=PairingMember.Side.PARTNER
    )
    with pytest.raises(ValidationError) as caught:
        eu_on_partner_side.full_clean()
    assert caught.value.message_dict["city"] == [
        "A city on the partner side must be outside the EU."
    ]


def test_a_further_member_joins_once(edition):
    member = PairingMemberFactory(pairing=PairingFactory(edition=edition))
    with pytest.raises(IntegrityError), transaction.atomic():
        PairingMember.objects.create(
            pairing=member.pairing, city=member.city, side=PairingMember.Side.PARTNER
        )


@pytest.mark.parametrize("progress", [120, 101])
def test_progress_above_100_is_refused(progress):
    action = ActionFactory()
    action.progress = progress
    with pytest.raises(ValidationError) as caught:
        action.full_clean()
    assert caught.value.message_dict["progress"] == ["Progress is a percentage between 0 and 100."]
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.filter(pk=action.pk).update(progress=progress)
    action.refresh_from_db()
    assert action.progress == 40


def test_a_due_date_before_the_edition_starts_is_refused(edition):
    action = ActionFactory.build(
        pairing=PairingFactory(edition=edition), due_date=datetime.date(2016, 12, 31)
    )
    with pytest.raises(ValidationError) as caught:
        action.full_clean()
    assert caught.value.message_dict["due_date"] == [
        "The due date lies before the edition starts (1 January 2017)."
    ]


def test_an_edition_ends_after_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        EditionFactory(start_date=datetime.date(2018, 1, 1), end_date=datetime.date(2017, 1, 1))


def test_sides_list_the_leads_first(edition, eu_city, partner_city):
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    extra = PairingMemberFactory(pairing=pairing, city=CityFactory(name="Graz", slug="graz"))
    assert pairing.sides() == {"eu": [eu_city, extra.city], "partner": [partner_city]}
    assert pairing.member_city_ids() == {eu_city.pk, partner_city.pk, extra.city.pk}
