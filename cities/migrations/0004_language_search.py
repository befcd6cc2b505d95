"""The database's side of searching each language's text in its own configuration
(``worldcities.textsearch``): a configuration for Indonesian (PostgreSQL's own where the
server has it, else ``simple``), the language-to-configuration function, the function that
cuts Hangul runs into two-character pieces, and an aggregate joining vectors."""

from django.db import migrations

INDONESIAN = """
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'worldcities_indonesian') THEN
    IF EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'indonesian') THEN
      CREATE TEXT SEARCH CONFIGURATION worldcities_indonesian (COPY = indonesian);
    ELSE
      CREATE TEXT SEARCH CONFIGURATION worldcities_indonesian (COPY = simple);
    END IF;
  END IF;
END
$$;
"""

# ``worldcities_config`` keeps the search path it is created under: a restore (``pg_restore``
# runs with an empty one) still finds ``worldcities_indonesian`` when it fills the generated
# columns that call it.
FUNCTIONS = r"""
CREATE OR REPLACE FUNCTION worldcities_config(language text) RETURNS regconfig
LANGUAGE sql IMMUTABLE PARALLEL SAFE SET search_path FROM CURRENT AS $$
  SELECT CASE language WHEN 'en' THEN 'english'::regconfig WHEN 'fr' THEN 'french'::regconfig WHEN 'de' THEN 'german'::regconfig WHEN 'es' THEN 'spanish'::regconfig WHEN 'id' THEN 'worldcities_indonesian'::regconfig WHEN 'ko' THEN 'simple'::regconfig WHEN 'vi' THEN 'simple'::regconfig ELSE 'simple'::regconfig END
$$;
CREATE OR REPLACE FUNCTION worldcities_grams(input text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  output text := '';
  found text[];
  run text;
  i int;
BEGIN
  -- Most texts have no such run: they are returned as they are, at once.
  IF input !~ '[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]' THEN
    RETURN input;
  END IF;
  FOR found IN SELECT regexp_matches(input, '([\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+)|([^\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+)', 'g') LOOP
    IF found[1] IS NULL THEN
      output := output || found[2];
    ELSE
      run := found[1];
      output := output || ' ';
      IF char_length(run) < 3 THEN
        output := output || run;
      ELSE
        FOR i IN 1 .. char_length(run) - 1 LOOP
          output := output || CASE WHEN i > 1 THEN ' ' ELSE '' END || substr(run, i, 2);
        END LOOP;
      END IF;
      output := output || ' ';
    END IF;
  END LOOP;
  RETURN output;
END
$$;
"""

AGGREGATE = """
CREATE OR REPLACE AGGREGATE worldcities_tsvector_agg(tsvector)
  (SFUNC = tsvector_concat, STYPE = tsvector, INITCOND = '');
"""

UNDO = """
DROP AGGREGATE IF EXISTS worldcities_tsvector_agg(tsvector);
DROP FUNCTION IF EXISTS worldcities_grams(text);
DROP FUNCTION IF EXISTS worldcities_config(text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS worldcities_indonesian;
"""


class Migration(migrations.Migration):
    dependencies = [("cities", "0003_city_search_document")]

    operations = [
        migrations.RunSQL(INDONESIAN + FUNCTIONS + AGGREGATE, UNDO),
    ]
