"""What is left after a test that commits: nothing, whatever a trigger wrote while the tables
were emptied, in whatever order they are emptied."""

import pytest
from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, transaction

from practices.models import Practice, PublishedGroup
from tests.practices.factories import PracticeFactory


@pytest.mark.django_db(transaction=True)
def test_emptying_the_tables_leaves_no_row_and_no_practices_group():
    PracticeFactory.create_batch(3)
    assert PublishedGroup.objects.filter(n__gt=0).exists()
    # The groups emptied before the practices they are kept from: the practices' trigger
    # writes to them again as the practices go.
    first = [PublishedGroup._meta.db_table, Practice._meta.db_table]
    tables = first + [
        table
        for table in connection.introspection.django_table_names(only_existing=True)
        if table not in first
    ]

    with transaction.atomic():
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), tables))

    left = {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy
    }
    assert not {label: n for label, n in left.items() if n}
