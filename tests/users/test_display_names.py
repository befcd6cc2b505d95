"""An account without a name is shown by its role, never by its e-mail address."""

import pytest
from django.test import Client

from practices.services import comment_create
from tests.practices.factories import PracticeFactory
from tests.twinning.factories import ActionFactory, PairingFactory
from tests.users.factories import DelegateFactory, ProgrammeStaffFactory
from twinning.services import action_progress_update, pairing_set_status

pytestmark = pytest.mark.django_db


def test_a_nameless_account_shows_its_role():
    assert str(DelegateFactory(full_name="", email="quiet@example.org")) == "City delegate"
    assert str(DelegateFactory(full_name="Mira Kim")) == "Mira Kim"


def test_no_public_page_shows_the_address_of_an_account_without_a_name(eu_city, partner_city):
    asker = DelegateFactory(full_name="", email="asker.private@example.org", city=partner_city)
    owner = DelegateFactory(full_name="", email="owner.private@example.org", city=eu_city)
    staff = ProgrammeStaffFactory(full_name="", email="staff.private@example.org")
    pairing = PairingFactory(eu_lead=eu_city, partner_lead=partner_city)
    practice = PracticeFactory(city=eu_city, pairing=pairing)
    comment_create(practice=practice, by=asker, body="Who paid for the sensors?")
    action = ActionFactory(pairing=pairing, owner_person=owner)
    action_progress_update(
        action=action, by=owner, status="in_progress", progress=50, note="Sensors ordered."
    )
    pairing_set_status(pairing=pairing, status="closed", by=staff)

    visitor = Client()
    pages = [practice.get_absolute_url(), pairing.get_absolute_url(), eu_city.get_absolute_url()]
    for url in pages:
        html = visitor.get(url).content.decode()
        assert "private@example.org" not in html, url
    assert "City delegate" in visitor.get(practice.get_absolute_url()).content.decode()
