"""Helpers for the spreadsheets the platform writes (exports, reports)."""


def safe_cell(value):
    """A cell value a spreadsheet will not run: text that starts like a formula is kept as
    text (users write titles, comments and names that end up in these files)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
