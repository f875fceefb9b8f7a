"""Report building and clean-up. Tasks take ids and claim their work in the database."""

import logging
import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext

from . import reports
from .invitations import send_invitation_email
from .models import Report, User
from .services import accounts

TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)

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


@shared_task(autoretry_for=TRANSIENT_MAIL_ERRORS, retry_backoff=60, max_retries=5,
             soft_time_limit=60, time_limit=90)
def send_invitation(user_id: int) -> bool:
    """E-mails the invitation link; nothing to send once the password is set or the account
    is gone or deactivated."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.is_invited or not user.email:
        return False
    send_invitation_email(user)
    return True


@shared_task(soft_time_limit=240, time_limit=300)
def deactivate_due_accounts() -> int:
    """Run by beat: accounts handed over whose last day has passed are deactivated."""
    return accounts.deactivate_due()
