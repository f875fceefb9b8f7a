"""Meeting notices (one e-mail per version of a meeting, with its .ics attached) and the
request to comment on circulated minutes (once per minutes)."""

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .calendar import calendar
from .models import Meeting, MeetingNotice, Minutes
from .services import CIRCULATION_TASK, NOTICE_TASK, attendees_to_ask, members_to_notify

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task(name=NOTICE_TASK, autoretry_for=TRANSIENT, retry_backoff=60, max_retries=5,
             soft_time_limit=120, time_limit=180)
def send_meeting_notice(meeting_id: int, sequence: int) -> bool:
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None or meeting.sequence != sequence:
        return False  # gone, or a newer version's notice supersedes this one
    MeetingNotice.objects.get_or_create(meeting=meeting, sequence=sequence)
    with transaction.atomic():
        # Two workers given the same version (a double click, a redelivered message) queue on
        # the row: the second finds it sent.
        notice = MeetingNotice.objects.select_for_update().get(meeting=meeting,
                                                               sequence=sequence)
        if notice.sent_at is not None:
            return False
        _send(meeting, sequence)
        notice.sent_at = timezone.now()
        notice.save(update_fields=["sent_at"])
    return True


def _send(meeting: Meeting, sequence: int) -> None:
    cancelled = meeting.status == Meeting.Status.CANCELLED
    context = {"meeting": meeting, "cancelled": cancelled, "update": sequence > 0,
               "url": _page(meeting)}
    with translation.override("ja"):
        subject = render_to_string("meetings/email/notice_subject.txt", context).strip()
        text = render_to_string("meetings/email/notice.txt", context)
        html = render_to_string("meetings/email/notice.html", context)
    method = "CANCEL" if cancelled else "REQUEST"
    seats = members_to_notify(meeting)
    recipients = [seat.address for seat in seats]
    if recipients:
        # One message to all members, none of whom sees the others' addresses.
        message = EmailMultiAlternatives(
            subject, text, from_email=settings.PORTAL_FROM_EMAIL, bcc=recipients,
            headers={"To": "undisclosed-recipients:;"})
        message.attach_alternative(html, "text/html")
        message.attach("meeting.ics", calendar([meeting], method=method, seats=seats),
                       f"text/calendar; charset=utf-8; method={method}")
        message.send()


def _page(meeting: Meeting) -> str:
    return settings.PORTAL_BASE_URL.rstrip("/") + meeting.get_absolute_url()


@shared_task(name=CIRCULATION_TASK, autoretry_for=TRANSIENT, retry_backoff=60, max_retries=5,
             soft_time_limit=120, time_limit=180)
def send_minutes_for_comment(minutes_id: int) -> bool:
    """E-mails the attendees that the minutes wait for their comments; once per minutes."""
    with transaction.atomic():
        minutes = Minutes.objects.select_for_update().filter(pk=minutes_id).first()
        if minutes is None or minutes.circulation_sent_at is not None:
            return False
        if minutes.status != Minutes.Status.CIRCULATED:
            return False  # approved already: nothing left to comment on
        meeting = Meeting.objects.select_related("body").get(pk=minutes.meeting_id)
        recipients = [seat.address for seat in attendees_to_ask(minutes)]
        if recipients:
            context = {"meeting": meeting, "minutes": minutes, "url": _page(meeting)}
            with translation.override("ja"):
                subject = render_to_string("meetings/email/minutes_subject.txt",
                                           context).strip()
                text = render_to_string("meetings/email/minutes.txt", context)
                html = render_to_string("meetings/email/minutes.html", context)
            message = EmailMultiAlternatives(
                subject, text, from_email=settings.PORTAL_FROM_EMAIL, bcc=recipients,
                headers={"To": "undisclosed-recipients:;"})
            message.attach_alternative(html, "text/html")
            message.send()
        minutes.circulation_sent_at = timezone.now()
        minutes.save(update_fields=["circulation_sent_at"])
    return True
