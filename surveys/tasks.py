"""Background work for surveys: tasks take ids, claim their work in the database first, and
retry only on errors of the mail connection."""

import smtplib

from celery import shared_task
from django.utils import timezone

from portal.lib.queue import dispatch_all

from . import opening, reminders
from .models import ReminderDelivery, Survey

TRANSIENT = (smtplib.SMTPException, ConnectionError, TimeoutError)


@shared_task
def sweep_reminders():
    """Run by beat: claims the reminders that are due and queues one e-mail each."""
    now = timezone.now()
    claimed = [delivery for survey in reminders.open_surveys(now)
               for delivery in reminders.claim_due(survey, now)]
    dispatch_all(send_reminder, _claims(claimed))
    # Requests to answer sent ahead of the opening go out once it has come.
    notices = [notice for survey in opening.due_surveys(now)
               for notice in opening.claim(survey, now)]
    dispatch_all(send_opening_notice, [(notice.pk,) for notice in notices])
    return len(claimed)


def _claims(deliveries) -> list[tuple]:
    return [(delivery.pk, str(delivery.token)) for delivery in deliveries]


@shared_task(autoretry_for=TRANSIENT, retry_backoff=60, max_retries=5,
             soft_time_limit=60, time_limit=90)
def send_reminder(delivery_id: int, token: str | None = None):
    if token is None:
        return False  # queued without a claim token: the takeover of the claim sends it
    delivery = ReminderDelivery.objects.select_related("survey", "municipality__region").filter(
        pk=delivery_id, token=token, sent_at=None, superseded=False).first()
    if delivery is None:
        return False  # sent already, taken over by another task, or not to be sent
    return reminders.send(delivery, token)


@shared_task
def remind_now(survey_id: int):
    survey = Survey.objects.filter(pk=survey_id).first()
    if survey is None:
        return 0
    claimed = reminders.claim_on_demand(survey, timezone.now())
    dispatch_all(send_reminder, _claims(claimed))
    return len(claimed)


@shared_task
def send_opening_notices(survey_id: int):
    """「回答依頼を送る」: claims one notice per target municipality and queues its e-mail."""
    now = timezone.now()
    survey = opening.due_surveys(now).filter(pk=survey_id).first()
    if survey is None:
        return 0  # not open yet (the sweep sends it at the opening), or gone
    claimed = opening.claim(survey, now)
    dispatch_all(send_opening_notice, [(notice.pk,) for notice in claimed])
    return len(claimed)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=60, max_retries=5,
             soft_time_limit=60, time_limit=90)
def send_opening_notice(notice_id: int):
    return opening.send(notice_id)
