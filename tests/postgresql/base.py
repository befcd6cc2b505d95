"""The suite's database backend: Django's PostgreSQL backend, except how the tables are emptied
after a test that commits (a browser test, whose pages are served by another thread).

Django empties them with one ``TRUNCATE`` of every table, which gives each table and its
indexes new files, however few rows the test wrote; ``DELETE`` only removes those rows (the
README has the figures). Every foreign key is checked at commit (Django creates them
``DEFERRABLE INITIALLY DEFERRED``), so the order of the tables does not matter to them. It
does to the triggers that keep one table from another (the published practices' groups, kept
from the practices): a table emptied before the one its rows are kept from is written again
while that one is emptied, so every table is emptied a second time."""

from django.db.backends.postgresql import base, operations


class DatabaseOperations(operations.DatabaseOperations):
    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences:
            return super().sql_flush(
                style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        deletes = [
            f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))};"
            for table in tables
        ]
        return deletes * 2


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
