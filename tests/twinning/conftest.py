import datetime

import pytest

from tests.cities.factories import CityFactory, OrganisationFactory
from tests.twinning.factories import ActionFactory, PairingFactory
from tests.users.factories import DelegateFactory


@pytest.fixture
def pairing(edition, eu_city, partner_city):
    """Tampere (EU) and Gwangju (partner) in the coordinator's edition."""
    return PairingFactory(
        edition=edition,
        eu_lead=eu_city,
        partner_lead=partner_city,
        slug="gwangju-tampere",
        objectives="Smart mobility: bike and car sharing, open data.",
    )


@pytest.fixture
def action(pairing):
    return ActionFactory(
        pairing=pairing,
        title="Open data portal for bike sharing",
        owner_organisation=OrganisationFactory(name="City of Tampere", city=pairing.eu_lead),
        due_date=datetime.date(2017, 11, 30),
        progress=40,
    )


@pytest.fixture
def outsider_delegate(db):
    """A delegate of a city that is no member of the pairing."""
    city = CityFactory(name="Graz", slug="graz", time_zone="Europe/Vienna")
    return DelegateFactory(email="outsider@example.org", full_name="Outsider", city=city)
