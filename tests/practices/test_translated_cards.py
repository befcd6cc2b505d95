"""A practice's title shows in the reader's language wherever it is listed (home page, city
page, pairing page), as on the practice list and its own page."""

import pytest
from django.urls import reverse

from tests.practices.factories import PracticeFactory, PracticeTranslationFactory, TransferFactory
from tests.twinning.factories import PairingFactory

pytestmark = pytest.mark.django_db

KOREAN = {"HTTP_ACCEPT_LANGUAGE": "ko"}


@pytest.fixture
def practice(edition, eu_city, partner_city):
    pairing = PairingFactory(edition=edition, eu_lead=eu_city, partner_lead=partner_city)
    practice = PracticeFactory(title="Hydrogen buses for the city", city=eu_city, pairing=pairing)
    PracticeTranslationFactory(practice=practice, language="ko", title="도시를 위한 수소 버스")
    return practice


@pytest.mark.parametrize("where", ["home", "city", "taken-up", "pairing"])
def test_a_korean_reader_sees_the_korean_title(client, practice, partner_city, where):
    if where == "taken-up":
        TransferFactory(practice=practice, city=partner_city)
    url = {
        "home": reverse("home"),
        "city": reverse("cities:detail", args=[practice.city.slug]),
        "taken-up": reverse("cities:detail", args=[partner_city.slug]),
        "pairing": reverse("twinning:pairing_detail", args=[practice.pairing.slug]),
    }[where]
    korean = client.get(url, **KOREAN).content.decode()
    assert "도시를 위한 수소 버스" in korean
    assert "Hydrogen buses for the city" not in korean
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Hydrogen buses for the city" in english
    assert "도시를 위한 수소 버스" not in english


def test_the_city_page_reads_translations_in_a_fixed_number_of_queries(
    client, eu_city, assert_flat_queries
):
    def make_rows(n):
        for _ in range(n):
            PracticeTranslationFactory(practice=PracticeFactory(city=eu_city), language="ko")

    url = reverse("cities:detail", args=[eu_city.slug])
    assert_flat_queries(make_rows, lambda: client.get(url, **KOREAN))
