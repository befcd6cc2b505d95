"""Helpers for idempotent seed data: a second load must change nothing, not even history."""


def upsert(model, *, lookup: dict, values: dict):
    """Creates the row found by ``lookup`` with ``values``, or updates it only where a value
    differs (so an unchanged row is not saved again). Returns (row, created)."""
    row = model.objects.filter(**lookup).first()
    if row is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    if changed:
        for name in changed:
            setattr(row, name, values[name])
        row.save(update_fields=changed)
    return row, False
