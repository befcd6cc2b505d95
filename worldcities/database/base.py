"""Django's PostgreSQL backend, for parameters sent apart from the SQL (server-side binding,
``settings.base.postgres``): one statement then carries at most 65,535 parameters, so a
``bulk_create`` or ``bulk_update`` of many rows is sent in batches that stay under that."""

from django.db.backends.postgresql import base, operations

# What PostgreSQL's protocol allows in one statement (a 16-bit count).
MAX_PARAMETERS = 65_535


class DatabaseOperations(operations.DatabaseOperations):
    def bulk_batch_size(self, fields, objs):
        # A bulk update sends two parameters per field of each row (its key and the value).
        per_row = 2 * max(1, len(fields))
        return max(1, min(len(objs), MAX_PARAMETERS // per_row))


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
