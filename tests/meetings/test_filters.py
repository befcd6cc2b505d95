import pytest

from meetings.filters import MeetingFilter
from meetings.models import Meeting
from tests.cities.factories import CityFactory, PartnerCountryFactory, ThematicAreaFactory
from tests.meetings.factories import AgendaItemFactory, MeetingFactory
from tests.twinning.factories import EditionFactory, PairingFactory

pytestmark = pytest.mark.django_db


def titles(params):
    return sorted(m.title for m in MeetingFilter(params, queryset=Meeting.objects.all()).qs)


def test_filters_by_edition_kind_city_country_and_thematic_area():
    korea = PartnerCountryFactory(code="KR", name="Korea")
    seoul = CityFactory(name="Seoul", slug="seoul", country=korea, time_zone="Asia/Seoul")
    tampere = CityFactory(name="Tampere", slug="tampere", time_zone="Europe/Helsinki")
    first, second = EditionFactory(), EditionFactory()
    smart, climate = ThematicAreaFactory(name="Smart City"), ThematicAreaFactory(name="Climate")
    pairing = PairingFactory(edition=first, partner_lead=seoul, eu_lead=tampere)
    pairing.thematic_areas.set([smart])
    MeetingFactory(
        title="Launch", kind="launch", edition=first, host_city=seoul, pairings=[pairing]
    )
    follow_up = MeetingFactory(
        title="Follow-up", kind="follow_up", edition=second, host_city=tampere
    )
    AgendaItemFactory(meeting=follow_up, thematic_area=climate)

    assert titles({}) == ["Follow-up", "Launch"]
    assert titles({"edition": first.pk}) == ["Launch"]
    assert titles({"kind": "follow_up"}) == ["Follow-up"]
    assert titles({"host_city": tampere.name}) == ["Follow-up"]
    assert titles({"host_city": tampere.name[:3].lower()}) == ["Follow-up"]
    assert titles({"country": korea.pk}) == ["Launch"]
    assert titles({"thematic_area": smart.pk}) == ["Launch"]
    assert titles({"thematic_area": climate.pk}) == ["Follow-up"]


def test_the_country_list_offers_each_country_that_hosted_a_meeting_once():
    korea = PartnerCountryFactory(code="KR", name="Korea")
    vietnam = PartnerCountryFactory(code="VN", name="Vietnam")
    PartnerCountryFactory(code="ZA", name="South Africa")  # no meeting held there
    seoul = CityFactory(name="Seoul", country=korea)
    busan = CityFactory(name="Busan", country=korea)
    CityFactory(name="Hanoi", country=vietnam)  # a city of a country with no meeting
    da_nang = CityFactory(name="Da Nang", country=vietnam)
    for city in (seoul, seoul, busan, da_nang):
        MeetingFactory(host_city=city)

    offered = MeetingFilter({}, queryset=Meeting.objects.all()).form.fields["country"]
    names = [name for _pk, name in offered.choices][1:]  # after "All countries"
    assert [str(name) for name in names] == ["Korea", "Vietnam"]
    assert titles({"country": vietnam.pk}) == [
        m.title for m in Meeting.objects.filter(host_city=da_nang)
    ]
