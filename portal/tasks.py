"""Report building, clean-up and the outbox relay. Tasks take ids and claim their work in the
database."""

import logging
import smtplib
import threading

from celery import shared_task
from celery.exceptions import MaxRetriesExceededError, SoftTimeLimitExceeded
from celery.signals import worker_ready
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext

from .invitations import send_invitation_email
from .lib import outbox, reports
from .models import Report, User
from .services import accounts

TRANSIENT_MAIL_ERRORS = (smtplib.SMTPException, ConnectionError, TimeoutError)

logger = logging.getLogger(__name__)


class _Heartbeat(threading.Thread):
    """While a worker builds a report, says every few seconds that it is still alive; when the
    worker is killed the heartbeat stops with it, and the report goes stale."""

    def __init__(self, report_id: int):
        super().__init__(daemon=True, name=f"report-{report_id}-heartbeat")
        self.report_id = report_id
        self.stopped = threading.Event()

    def run(self):
        try:
            while not self.stopped.wait(reports.heartbeat_every()):
                Report.objects.filter(pk=self.report_id, status=Report.Status.RUNNING).update(
                    heartbeat_at=timezone.now())
        finally:
            connection.close()


def _claim(report_id: int):
    """Takes a queued report, or one left running by a worker that died (the message comes
    back after the worker is killed); returns the report, or None when there is nothing to
    do, or the seconds to wait before looking again while another worker may be building it."""
    now = timezone.now()
    started = dict(status=Report.Status.RUNNING, started_at=now, heartbeat_at=now, progress=0,
                   attempts=F("attempts") + 1)
    if Report.objects.filter(pk=report_id, status=Report.Status.QUEUED).update(**started):
        return Report.objects.select_related("requested_by").get(pk=report_id)
    report = Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).first()
    if report is None:
        return None  # built already, failed, or deleted
    if not reports.is_stale(report, now):
        left = reports.last_seen(report) + reports.running_stale_after() - now
        return max(1.0, left.total_seconds() + 1)
    if report.attempts >= reports.MAX_ATTEMPTS:
        _fail(report_id, gettext("The worker stopped every time it built it; ask for a "
                                 "smaller one."))
        return None
    # Only one of several redelivered messages takes it over: the one that sees it unchanged.
    if Report.objects.filter(pk=report_id, status=Report.Status.RUNNING,
                             heartbeat_at=report.heartbeat_at,
                             attempts=report.attempts).update(**started):
        logger.warning("Report %s: its worker stopped; building it again", report_id)
        return Report.objects.select_related("requested_by").get(pk=report_id)
    return None


@shared_task(bind=True, max_retries=10)
def build_report(self, report_id: int) -> bool:
    claim = _claim(report_id)
    if isinstance(claim, float):
        if self.request.called_directly or self.request.is_eager:
            return False  # nobody builds it twice
        try:
            raise self.retry(countdown=claim)  # look again once its worker should have spoken
        except MaxRetriesExceededError:
            return False
    if claim is None:
        return False
    report = claim

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report_id).update(progress=max(0, min(100, int(percent))),
                                                   heartbeat_at=timezone.now())

    heartbeat = None
    if not (self.request.called_directly or self.request.is_eager):
        heartbeat = _Heartbeat(report_id)
        heartbeat.start()
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
    finally:
        if heartbeat is not None:
            heartbeat.stopped.set()
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
    """Run by beat every minute: expired files go, and reports that show no sign of life
    (their worker died, or the broker lost their message) become retryable."""
    return reports.clean_expired() + reports.mark_stale()


@shared_task
def relay_outbox() -> int:
    """Run by beat every minute: sends the work that waited in the outbox for the broker."""
    return outbox.relay()


@worker_ready.connect
def _relay_when_a_worker_starts(**kwargs):
    try:
        outbox.relay()
    finally:
        connection.close()


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
