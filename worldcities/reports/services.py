import logging
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from worldcities.notifications.models import Kind
from worldcities.notifications.services import notify

from .builders import BUILDERS
from .models import Report
from .permissions import can_request_report
from .renderers import RENDERERS

logger = logging.getLogger(__name__)


def report_edition(report_or_kind, target):
    """The edition a report's subject belongs to (what decides who may ask for it)."""
    kind = getattr(report_or_kind, "kind", report_or_kind)
    return target if kind == Report.Kind.EDITION else target.edition


def report_target(report: Report):
    model, _build = BUILDERS[report.kind]
    return model.objects.filter(pk=report.target_id).first()


def report_still_allowed(*, report: Report, user) -> bool:
    """Whether ``user`` may still see a report they may have asked for: someone who no longer
    coordinates its edition loses it (programme staff keep every report)."""
    target = report_target(report)
    return target is not None and can_request_report(user, report_edition(report, target))


@transaction.atomic
def report_request(*, kind: str, target, fmt: str, by) -> Report:
    if not can_request_report(by, report_edition(kind, target)):
        raise PermissionDenied
    report = Report.objects.create(
        kind=Report.Kind(kind),
        format=Report.Format(fmt),
        target_id=target.pk,
        title=f"{Report.Kind(kind).label}: {target}",
        requested_by=by,
    )
    transaction.on_commit(lambda: report_enqueue(report_id=report.pk))
    return report


def report_enqueue(*, report_id) -> bool:
    from .tasks import generate_report

    try:
        generate_report.delay(str(report_id))
    except Exception as exc:  # broker away: the sweep enqueues it again later
        logger.warning("could not enqueue report %s (%s)", report_id, exc)
        return False
    return True


def _set(report_id, **values) -> None:
    Report.objects.filter(pk=report_id).update(**values)


def report_generate(*, report_id) -> bool:
    """Builds a queued (or interrupted) report. The file is written under a temporary name and
    renamed only when complete, so a worker that dies half-way leaves nothing downloadable."""
    with transaction.atomic():
        report = (
            Report.objects.select_for_update()
            .filter(pk=report_id, status__in=[Report.Status.QUEUED, Report.Status.RUNNING])
            .first()
        )
        if report is None:
            return False
        report.status = Report.Status.RUNNING
        report.attempts += 1
        report.progress = 10
        report.save(update_fields=["status", "attempts", "progress"])

    model, build = BUILDERS[report.kind]
    target = model.objects.get(pk=report.target_id)
    # The report reads in the language of the person who asked for it.
    with translation.override(report.requested_by.language or settings.LANGUAGE_CODE):
        data = build(target)
        _set(report_id, progress=50)
        render, _content_type = RENDERERS[report.format]
        content = render(data)
    _set(report_id, progress=80)
    name = f"reports/{report.pk}.{report.format}"
    write_atomically(name, content)
    with transaction.atomic():
        updated = Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
            file=name,
            status=Report.Status.READY,
            progress=100,
            finished_at=timezone.now(),
            error="",
        )
        if updated:
            with translation.override(report.requested_by.language or settings.LANGUAGE_CODE):
                title = _("Your report is ready: %(title)s") % {"title": report.title}
            notify(
                recipient=report.requested_by,
                kind=Kind.REPORT_READY,
                target=report,
                title=title,
                url=report.get_absolute_url(),
            )
    return bool(updated)


def write_atomically(name: str, content: bytes) -> None:
    """Writes ``content`` to storage under ``name``, all of it or nothing."""
    if not isinstance(default_storage, FileSystemStorage):
        # An object store keeps an object whole, or not at all.
        default_storage.delete(name)
        default_storage.save(name, ContentFile(content))
        return
    final = Path(default_storage.path(name))
    final.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=final.parent, prefix=".part-", suffix=final.suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(content)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, final)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def report_fail(*, report_id, error: Exception) -> None:
    _set(report_id, status=Report.Status.FAILED, error=f"{type(error).__name__}: {error}")


def reports_expire(*, now=None) -> int:
    """Deletes report files older than REPORTS_KEEP_DAYS and marks their reports expired."""
    now = now or timezone.now()
    cutoff = now - timezone.timedelta(days=settings.REPORTS_KEEP_DAYS)
    expired = 0
    for report in Report.objects.filter(status=Report.Status.READY, finished_at__lt=cutoff):
        if report.file:
            default_storage.delete(report.file.name)
        Report.objects.filter(pk=report.pk).update(status=Report.Status.EXPIRED, file="")
        expired += 1
    return expired


def reports_sweep(*, stale_after_seconds: int = 15 * 60) -> int:
    """Enqueues reports whose task never ran or whose worker died while building them."""
    cutoff = timezone.now() - timezone.timedelta(seconds=stale_after_seconds)
    ids = list(
        Report.objects.filter(
            status__in=[Report.Status.QUEUED, Report.Status.RUNNING], created_at__lt=cutoff
        ).values_list("pk", flat=True)[:100]
    )
    for report_id in ids:
        report_enqueue(report_id=report_id)
    return len(ids)
