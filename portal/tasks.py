"""Report building and clean-up. Tasks take ids and claim their work in the database."""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext

from . import reports
from .models import Report

logger = logging.getLogger(__name__)


@shared_task
def build_report(report_id: int) -> bool:
    claimed = Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(
        status=Report.Status.RUNNING, started_at=timezone.now(), progress=0)
    if not claimed:
        return False  # built already, or being built by another worker
    report = Report.objects.select_related("requested_by").get(pk=report_id)

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report_id).update(progress=max(0, min(100, int(percent))))

    try:
        built = reports.kind_of(report.kind).build(report, progress)
    except (reports.ReportError, SoftTimeLimitExceeded) as error:
        reason = str(error) if isinstance(error, reports.ReportError) else \
            gettext("It took too long to build; ask for a smaller one.")
        _fail(report_id, reason)
        return False
    except Exception as error:  # recorded for the requester; the report must not stay running
        logger.exception("Report %s failed", report_id)
        _fail(report_id, gettext("Unexpected error (%(kind)s); ask for it again.")
              % {"kind": type(error).__name__})
        return False
    report.file.save(built.filename, ContentFile(built.content), save=False)
    now = timezone.now()
    Report.objects.filter(pk=report_id).update(
        file=report.file.name, filename=built.filename, mime_type=built.mime_type,
        status=Report.Status.DONE, progress=100, finished_at=now,
        expires_at=now + reports.KEEP_FOR)
    return True


def _fail(report_id: int, reason: str) -> None:
    Report.objects.filter(pk=report_id).update(status=Report.Status.FAILED, error=reason[:300],
                                               finished_at=timezone.now())


@shared_task
def clean_up_reports() -> int:
    """Run by beat: expired files go, and reports whose worker died become retryable."""
    return reports.clean_expired() + reports.mark_stale()
