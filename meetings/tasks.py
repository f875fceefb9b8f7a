"""Meeting notices: one e-mail per version of a meeting, with its .ics attached."""

import logging
import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .calendar import calendar
from .models import Meeting, MeetingNotice
from .services import members_to_notify

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)
logger = logging.getLogger(__name__)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=60, max_retries=5,
             soft_time_limit=120, time_limit=180)
def send_meeting_notice(meeting_id: int, sequence: int) -> bool:
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None or meeting.sequence != sequence:
        return False  # gone, or a newer version's notice supersedes this one
    notice, _created = MeetingNotice.objects.get_or_create(meeting=meeting, sequence=sequence)
    if notice.sent_at is not None:
        return False  # a retry after the notice went out
    cancelled = meeting.status == Meeting.Status.CANCELLED
    context = {"meeting": meeting, "cancelled": cancelled, "update": sequence > 0}
    with translation.override("ja"):
        subject = render_to_string("meetings/email/notice_subject.txt", context).strip()
        text = render_to_string("meetings/email/notice.txt", context)
        html = render_to_string("meetings/email/notice.html", context)
    method = "CANCEL" if cancelled else "REQUEST"
    seats = members_to_notify(meeting)
    recipients = [seat.user.email for seat in seats]
    if recipients:
        # One message to all members, none of whom sees the others' addresses.
        message = EmailMultiAlternatives(
            subject, text, from_email=settings.PORTAL_FROM_EMAIL, bcc=recipients,
            headers={"To": "undisclosed-recipients:;"})
        message.attach_alternative(html, "text/html")
        message.attach("meeting.ics", calendar([meeting], method=method, seats=seats),
                       f"text/calendar; charset=utf-8; method={method}")
        message.send()
    MeetingNotice.objects.filter(pk=notice.pk, sent_at=None).update(sent_at=timezone.now())
    return True


@shared_task
def build_meeting_packet(job_id: int) -> bool:
    """Builds a requested packet once: the job is claimed by moving it from queued to running;
    a failure is recorded with its reason rather than left running."""
    from .models import PacketJob
    from .packet import build

    claimed = PacketJob.objects.filter(pk=job_id, status=PacketJob.Status.QUEUED).update(
        status=PacketJob.Status.RUNNING)
    if not claimed:
        return False
    job = PacketJob.objects.select_related("meeting__body", "requested_by").get(pk=job_id)
    try:
        attachment = build(job.meeting, job.requested_by)
    except Exception as error:  # shown to the requester; the job must not stay "running"
        logger.exception("Meeting packet %s failed", job.pk)
        PacketJob.objects.filter(pk=job.pk).update(
            status=PacketJob.Status.FAILED, error=f"{type(error).__name__}: {error}"[:300],
            finished_at=timezone.now())
        return False
    PacketJob.objects.filter(pk=job.pk).update(status=PacketJob.Status.DONE,
                                               attachment=attachment,
                                               finished_at=timezone.now())
    return True
