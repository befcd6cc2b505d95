import pytest

from practices.models import Practice
from tests.twinning.factories import PairingFactory

from .factories import PracticeFactory

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def pairing(edition, eu_city, partner_city):
    """Tampere (EU) paired with Gwangju (partner) in the coordinator's edition."""
    return PairingFactory(
        edition=edition, eu_lead=eu_city, partner_lead=partner_city, slug="gwangju-tampere"
    )


@pytest.fixture
def make_practice(pairing, eu_city):
    def make(status=Practice.Status.PUBLISHED, **kwargs):
        kwargs.setdefault("city", eu_city)
        kwargs.setdefault("pairing", pairing)
        return PracticeFactory(status=status, **kwargs)

    return make


@pytest.fixture
def practice(make_practice):
    """A published practice of Tampere in the Gwangju–Tampere pairing."""
    return make_practice(title="Open mobility data", slug="open-mobility-data")
