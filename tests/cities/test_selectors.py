import pytest
from django.db import connection

from cities.models import NAME_KEY, Organisation, name_key
from cities.selectors import organisations_named

pytestmark = pytest.mark.django_db


def test_a_name_finds_its_organisations_whatever_their_case_and_spacing():
    Organisation.objects.bulk_create(
        Organisation(name=name, kind="business", sector="business")
        for name in ["City  Lab", " CITY LAB", "City Labs", "Tampere University"]
    )

    found = organisations_named([name_key("city lab"), name_key("tampere   UNIVERSITY")])

    assert sorted(o.name for o in found["city lab"]) == [" CITY LAB", "City  Lab"]
    assert [o.name for o in found["tampere university"]] == ["Tampere University"]
    assert organisations_named([name_key("Nowhere Works")]) == {}


def test_a_typed_name_is_looked_up_in_the_index_not_among_every_name():
    Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", kind="business", sector="business")
        for n in range(3000)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cities_organisation")

    plan = (
        Organisation.objects.annotate(key=NAME_KEY)
        .filter(key__in=[name_key("organisation 42")])
        .explain()
    )

    assert "cities_org_name_lookup" in plan
    assert "Seq Scan" not in plan
    assert [o.name for o in organisations_named(["organisation 42"])["organisation 42"]] == [
        "Organisation 42"
    ]
