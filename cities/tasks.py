"""Background work of the triple-helix opportunities: telling the people whose interests match
of new opportunities, once each (``services.opportunities_match`` marks them matched in the
same transaction as the notices)."""

import time

from celery import shared_task
from django.db import InterfaceError, OperationalError

from worldcities.notifications.services import MAX_ATTEMPTS, retry_delay

from . import services

# How long one run of the periodic matching keeps taking batches (the next run goes on).
MATCH_RUN_SECONDS = 120


@shared_task(
    bind=True,
    acks_late=True,
    max_retries=MAX_ATTEMPTS - 1,
    soft_time_limit=60,
    time_limit=90,
)
def match_new_opportunity(self, opportunity_id: int) -> int:
    """Matches one opportunity just published (nothing if it was matched already)."""
    try:
        return services.opportunities_match(ids=[opportunity_id])
    except (OperationalError, InterfaceError) as exc:  # the database away for a while
        raise self.retry(exc=exc, countdown=retry_delay(self.request.retries)) from exc


@shared_task(acks_late=True, soft_time_limit=240, time_limit=300)
def match_opportunities() -> int:
    """The periodic matching: batch after batch of opportunities not matched yet (those whose
    own task never ran), until none is left or the run's time is up."""
    matched, started = 0, time.monotonic()
    while time.monotonic() - started < MATCH_RUN_SECONDS:
        done = services.opportunities_match()
        matched += done
        if done == 0:
            break
    return matched
