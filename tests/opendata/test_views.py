"""The open-data page, the fields page, the files and the catalogue, for every role."""

import csv
import io
import json

import pytest
from django.urls import reverse

from tests.cities.factories import ThematicAreaFactory
from worldcities.opendata import services
from worldcities.opendata.catalog import CONTEXT, LICENCE
from worldcities.opendata.resources import RESOURCES

pytestmark = pytest.mark.django_db

ROLES = [None, "delegate", "coordinator", "programme_staff"]


@pytest.fixture
def reader(request, client_for):
    def as_role(role):
        user = request.getfixturevalue(role) if role else None
        return client_for(user)

    return as_role


@pytest.mark.parametrize("role", ROLES)
def test_every_role_sees_each_file_with_rows_size_and_build_time(role, reader, programme):
    services.open_data_build()
    response = reader(role).get(reverse("opendata:index"))

    assert response.status_code == 200
    page = response.content.decode()
    for resource in RESOURCES:
        for fmt in services.FORMATS:
            assert f'href="/open-data/{resource.name}.{fmt}"' in page
    assert "CC BY 4.0" in page
    assert "2011/833/EU" in page
    assert 'href="/open-data/catalog.jsonld"' in page
    row = page[page.index('id="practices"') :]
    row = row[: row.index("</tr>")]
    assert "<td>1</td>" in row
    assert services.download_path("practices", "csv").stat().st_size > 0
    assert "<time datetime=" in row


def test_before_the_first_build_the_page_says_so(client):
    response = client.get(reverse("opendata:index"))

    assert response.status_code == 200
    assert "Not built yet" in response.content.decode()


def test_the_page_reads_the_builds_in_one_query(client, programme, django_assert_num_queries):
    services.open_data_build()
    with django_assert_num_queries(1):
        assert client.get(reverse("opendata:index")).status_code == 200


def test_the_fields_page_describes_every_field_of_every_file(client):
    response = client.get(reverse("opendata:fields"))

    page = response.content.decode()
    for resource in RESOURCES:
        assert f'id="{resource.name}"' in page
        for field in resource.fields:
            assert f"<code>{field.name}</code>" in page
            assert str(field.description).replace("'", "&#x27;") in page


@pytest.mark.parametrize("role", ROLES)
def test_a_file_downloads_as_built(role, reader, programme):
    services.open_data_build(names=["practices"])

    response = reader(role).get("/open-data/practices.csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="practices.csv"' in response["Content-Disposition"]
    assert response["Cache-Control"] == "public, max-age=3600"
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [row["slug"] for row in rows] == ["bike-sharing"]


def test_an_unknown_or_unbuilt_file_is_not_found(client):
    assert client.get("/open-data/practices.json").status_code == 404
    assert client.get("/open-data/people.csv").status_code == 404
    assert client.get("/open-data/practices.xml").status_code == 404


def test_only_reads_are_answered(client):
    assert client.post(reverse("opendata:index")).status_code == 405


def _keys(node, found):
    if isinstance(node, dict):
        for key, value in node.items():
            if key != "@context":
                found.add(key)
                _keys(value, found)
    elif isinstance(node, list):
        for item in node:
            _keys(item, found)
    return found


def test_the_catalogue_is_dcat_ap_in_json_ld(client, programme):
    services.open_data_build()

    response = client.get(reverse("opendata:catalog"))

    assert response["Content-Type"] == "application/ld+json"
    document = json.loads(response.content)
    # Every term is a JSON-LD keyword or a prefix the context declares.
    for key in _keys(document, set()):
        prefix, _, term = key.partition(":")
        assert key.startswith("@") or (prefix in CONTEXT and term), key
    assert document["@context"]["dcat"] == "http://www.w3.org/ns/dcat#"
    assert document["@type"] == "dcat:Catalog"
    assert document["@id"] == "https://worldcities.example.eu/open-data/catalog.jsonld"
    assert document["dct:publisher"]["@type"] == "foaf:Agent"
    assert document["dct:license"] == {"@id": LICENCE}
    datasets = {d["dct:identifier"]: d for d in document["dcat:dataset"]}
    assert set(datasets) == {resource.name for resource in RESOURCES}
    practices = datasets["practices"]
    assert practices["@type"] == "dcat:Dataset"
    assert practices["dct:description"]["@value"]
    distributions = {d["dcat:mediaType"]["@id"]: d for d in practices["dcat:distribution"]}
    csv_file = distributions["http://www.iana.org/assignments/media-types/text/csv"]
    assert csv_file["@type"] == "dcat:Distribution"
    assert csv_file["dcat:downloadURL"] == {
        "@id": "https://worldcities.example.eu/open-data/practices.csv"
    }
    assert csv_file["dcat:byteSize"] == {
        "@value": str(services.download_path("practices", "csv").stat().st_size),
        "@type": "xsd:nonNegativeInteger",
    }
    assert csv_file["dct:license"] == {"@id": LICENCE}
    assert csv_file["dct:modified"]["@type"] == "xsd:dateTime"
    assert "application/json" in " ".join(distributions)


def test_the_catalogue_expands_as_json_ld_with_every_term_an_iri(client, programme):
    from pyld import jsonld

    def no_fetching(url, options=None):
        raise AssertionError(f"the catalogue's context is inline: nothing to fetch ({url})")

    services.open_data_build()
    document = client.get(reverse("opendata:catalog")).json()

    expanded = jsonld.expand(document, {"documentLoader": no_fetching})

    def iris(node, found):
        if isinstance(node, dict):
            for key, value in node.items():
                found.add(key)
                iris(value, found)
        elif isinstance(node, list):
            for item in node:
                iris(item, found)
        return found

    terms = _keys(document, set()) - {"@id", "@type", "@value", "@language"}
    expected = {CONTEXT[key.partition(":")[0]] + key.partition(":")[2] for key in terms}
    # No term was dropped for want of a definition: each became the IRI its prefix names.
    assert iris(expanded, set()) - {"@id", "@type", "@value", "@language"} == expected
    (catalog,) = (node for node in expanded if "http://www.w3.org/ns/dcat#Catalog" in node["@type"])
    datasets = catalog["http://www.w3.org/ns/dcat#dataset"]
    assert len(datasets) == len(RESOURCES)


def test_the_catalogue_lists_datasets_not_yet_built_without_files(client):
    ThematicAreaFactory()
    document = client.get(reverse("opendata:catalog")).json()

    assert all(d["dcat:distribution"] == [] for d in document["dcat:dataset"])


def test_the_footer_links_to_open_data(client):
    assert 'href="/open-data/"' in client.get("/privacy/").content.decode()
