"""Filters of the platform's log."""

import logging


class RefusalsOnOneLine(logging.Filter):
    """A refused request (403) is something a person tried, not a fault of the platform: it is
    logged as its one line ("Forbidden (Permission denied): /path"), without the traceback of
    the ``PermissionDenied`` that refused it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
