"""The database's side of reading a search in every configuration at once
(``worldcities.textsearch.AnyReading``): the distinct readings of a query, joined by ``|``.

Declared immutable, like the ``websearch_to_tsquery`` it calls: called with constants, the
planner works the query out before planning, so it sees the lexemes themselves, estimates how
many rows they match and chooses the index. Languages that read a word alike ("hydrogen" in
English, Indonesian and ``simple``) give one reading, not one each."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION worldcities_any_query(q text, configs text[]) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT string_agg(DISTINCT '(' || reading::text || ')', ' | ')::tsquery
  FROM (
    SELECT websearch_to_tsquery(config::regconfig, q) AS reading FROM unnest(configs) AS config
  ) readings
  WHERE numnode(reading) > 0
$$;
"""

UNDO = "DROP FUNCTION IF EXISTS worldcities_any_query(text, text[]);"


class Migration(migrations.Migration):
    dependencies = [("cities", "0004_language_search")]

    operations = [migrations.RunSQL(FUNCTION, UNDO)]
