import pytest

from tests.cities.factories import OrganisationFactory, ThematicAreaFactory, TopicFactory
from tests.meetings.factories import MeetingFactory, in_days
from tests.practices.factories import KeyFigureFactory, PartnerFactory, PracticeFactory
from tests.twinning.factories import PairingFactory, PairingMemberFactory


@pytest.fixture(autouse=True)
def open_data_root(settings, tmp_path):
    settings.OPEN_DATA_ROOT = tmp_path / "open-data"
    settings.SITE_URL = "https://worldcities.example.eu"
    return settings.OPEN_DATA_ROOT


@pytest.fixture
def programme(db, edition, eu_city, partner_city):
    """A pairing with a further member, a published practice with a key figure and a partner,
    a draft, and a public and a delegates-only meeting."""
    area = ThematicAreaFactory(name="Smart City", slug="smart-city")
    topic = TopicFactory(area=area, name="Transportation", slug="transportation")
    pairing = PairingFactory(
        edition=edition, slug="tampere-gwangju", eu_lead=eu_city, partner_lead=partner_city
    )
    pairing.thematic_areas.set([area])
    pairing.topics.set([topic])
    member = PairingMemberFactory(pairing=pairing, side="eu")
    published = PracticeFactory(
        title="Bike sharing in Tampere",
        slug="bike-sharing",
        city=eu_city,
        pairing=pairing,
        thematic_areas=[area],
        topics=[topic],
        contact_name="Liisa Virtanen",
        contact_email="liisa.virtanen@tampere.example.fi",
    )
    KeyFigureFactory(practice=published, label="Trips a day", value="1500", unit="trips")
    partner = PartnerFactory(practice=published, organisation=OrganisationFactory(name="TUT"))
    draft = PracticeFactory(title="Secret draft", slug="secret-draft", city=eu_city, status="draft")
    public = MeetingFactory(
        edition=edition,
        host_city=partner_city,
        title="Launch meeting in Gwangju",
        slug="launch-gwangju",
        is_public=True,
        starts_at=in_days(10),
        ends_at=in_days(11),
    )
    private = MeetingFactory(
        edition=edition, host_city=partner_city, title="Closed door meeting", is_public=False
    )
    return {
        "area": area,
        "topic": topic,
        "pairing": pairing,
        "member": member,
        "published": published,
        "partner": partner,
        "draft": draft,
        "public": public,
        "private": private,
    }
