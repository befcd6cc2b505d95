"""What the platform's log says of a refused request."""

import logging
import sys

import pytest
from django.conf import settings

from tests.users.factories import DelegateFactory
from worldcities.logfilters import RefusalsOnOneLine

pytestmark = pytest.mark.django_db


def test_a_refusal_is_logged_as_one_line_without_a_traceback(client, caplog):
    client.force_login(DelegateFactory())
    assert client.get("/reports/").status_code == 403
    (record,) = [r for r in caplog.records if r.name == "django.request"]
    # Django hands the PermissionDenied to the log; the platform's handler took it out.
    assert record.status_code == 403 and record.exc_info is None
    line = logging.Formatter(settings.LOGGING["formatters"]["plain"]["format"]).format(record)
    assert line.endswith("Forbidden (Permission denied): /reports/")
    assert "\n" not in line and "Traceback" not in line


@pytest.mark.parametrize(("status", "traceback_kept"), [(403, False), (404, True), (500, True)])
def test_the_filter_takes_the_traceback_out_of_a_refusal_only(status, traceback_kept):
    try:
        raise RuntimeError("what went on")
    except RuntimeError:
        record = logging.LogRecord("django.request", logging.WARNING, "", 0, "status", (), None)
        record.exc_info = sys.exc_info()
    record.status_code = status
    assert RefusalsOnOneLine().filter(record)
    assert ("Traceback" in logging.Formatter().format(record)) is traceback_kept
