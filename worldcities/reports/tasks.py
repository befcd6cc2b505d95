from celery import shared_task

from . import services

MAX_ATTEMPTS = 3


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_ATTEMPTS - 1,
    soft_time_limit=240,
    time_limit=300,
)
def generate_report(self, report_id: str) -> bool:
    try:
        return services.report_generate(report_id=report_id)
    except Exception as exc:  # a report that cannot be built is retried, then marked failed
        if self.request.retries >= self.max_retries:
            services.report_fail(report_id=report_id, error=exc)
            return False
        raise self.retry(exc=exc, countdown=30 * 2**self.request.retries) from exc


@shared_task(acks_late=True, soft_time_limit=120, time_limit=180)
def expire_reports() -> int:
    return services.reports_expire()


@shared_task(acks_late=True, soft_time_limit=60, time_limit=90)
def sweep_reports() -> int:
    return services.reports_sweep()
