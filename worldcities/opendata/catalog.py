"""The DCAT-AP catalogue of the bulk downloads, in JSON-LD, for portals that harvest it
(data.europa.eu): one ``dcat:Catalog``, a ``dcat:Dataset`` per resource and a
``dcat:Distribution`` per file, all read from ``resources`` and the recorded builds."""

from django.urls import reverse
from django.utils import translation

from .resources import RESOURCES, absolute
from .services import FORMATS

LICENCE = "http://creativecommons.org/licenses/by/4.0/"
# The EU vocabularies (publications office) that DCAT-AP asks for.
FILE_TYPES = {
    "csv": "http://publications.europa.eu/resource/authority/file-type/CSV",
    "json": "http://publications.europa.eu/resource/authority/file-type/JSON",
}
THEME = "http://publications.europa.eu/resource/authority/data-theme/REGI"
LANGUAGE = "http://publications.europa.eu/resource/authority/language/ENG"
MEDIA_TYPES = "http://www.iana.org/assignments/media-types/"
PUBLISHER_NAME = "World Cities programme (European Commission, DG REGIO)"

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def _text(value) -> dict:
    return {"@value": str(value), "@language": "en"}


def _ref(url: str) -> dict:
    return {"@id": url}


def _datetime(value) -> dict:
    return {"@value": value.isoformat(), "@type": "xsd:dateTime"}


def catalog(downloads) -> dict:
    """The catalogue as a JSON-LD document. ``downloads`` are the recorded builds
    (``Download`` rows); a resource never built yet is listed without distributions."""
    built = {(d.resource, d.format): d for d in downloads}
    page = absolute(reverse("opendata:index"))
    publisher = {"@id": absolute("/"), "@type": "foaf:Agent", "foaf:name": PUBLISHER_NAME}
    datasets = []
    with translation.override("en"):
        for resource in RESOURCES:
            distributions = []
            for fmt, media_type in FORMATS.items():
                download = built.get((resource.name, fmt))
                if download is None:
                    continue
                url = absolute(
                    reverse("opendata:download", kwargs={"resource": resource.name, "fmt": fmt})
                )
                distributions.append(
                    {
                        "@id": url,
                        "@type": "dcat:Distribution",
                        "dct:title": _text(f"{resource.title} ({fmt.upper()})"),
                        "dcat:accessURL": _ref(url),
                        "dcat:downloadURL": _ref(url),
                        "dcat:mediaType": _ref(MEDIA_TYPES + media_type),
                        "dct:format": _ref(FILE_TYPES[fmt]),
                        "dcat:byteSize": {
                            "@value": str(download.size),
                            "@type": "xsd:nonNegativeInteger",
                        },
                        "dct:modified": _datetime(download.built_at),
                        "dct:license": _ref(LICENCE),
                    }
                )
            dataset = {
                "@id": f"{page}#{resource.name}",
                "@type": "dcat:Dataset",
                "dct:identifier": resource.name,
                "dct:title": _text(resource.title),
                "dct:description": _text(resource.description),
                "dct:publisher": publisher,
                "dct:language": _ref(LANGUAGE),
                "dcat:theme": _ref(THEME),
                "dcat:landingPage": _ref(f"{page}#{resource.name}"),
                "foaf:page": _ref(absolute(reverse("opendata:fields")) + f"#{resource.name}"),
                "dcat:distribution": distributions,
            }
            modified = [
                built[(resource.name, fmt)].built_at
                for fmt in FORMATS
                if built.get((resource.name, fmt))
            ]
            if modified:
                dataset["dct:modified"] = _datetime(max(modified))
            datasets.append(dataset)
        document = {
            "@context": CONTEXT,
            "@id": absolute(reverse("opendata:catalog")),
            "@type": "dcat:Catalog",
            "dct:title": _text("World Cities Exchange open data"),
            "dct:description": _text(
                "The editions, cities, organisations, themes, pairings, published good "
                "practices and public meetings of the EU World Cities programme, as CSV and "
                "JSON files rebuilt every day."
            ),
            "dct:publisher": publisher,
            "dct:language": _ref(LANGUAGE),
            "dct:license": _ref(LICENCE),
            "foaf:homepage": _ref(page),
            "dcat:themeTaxonomy": _ref(
                "http://publications.europa.eu/resource/authority/data-theme"
            ),
            "dcat:dataset": datasets,
        }
    if downloads:
        document["dct:modified"] = _datetime(max(d.built_at for d in downloads))
    return document
