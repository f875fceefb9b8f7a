"""Planned and on-demand reminders: each goes to each municipality exactly once, proven by a
unique ReminderDelivery row claimed before the e-mail is sent. A claim carries a token; the
e-mail goes out only while the row is marked sent under that token, so once a claim is taken
over the original holder can no longer send."""

import datetime
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.lib import caching
from portal.models import User

from .extensions import deadline_for, deadlines
from .models import ReminderDelivery, Survey, SurveyResponse

# A claimed reminder not marked sent after this long is taken to be from a worker that died.
STALE_CLAIM = datetime.timedelta(minutes=15)


def step_key(days: int) -> str:
    return f"{days:+d}"


def extended_key(days: int, until) -> str:
    """A step of a municipality's extended deadline: a new key per new date, so the steps
    sent for the old date are not sent again and those of the new date go once each."""
    return f"{days:+d}@{timezone.localdate(until).isoformat()}"


def on_demand_key(now) -> str:
    return f"now-{timezone.localdate(now).isoformat()}"


def pending_municipalities(survey: Survey):
    """Targeted municipalities that have not submitted (a returned answer counts as pending)."""
    submitted = SurveyResponse.objects.filter(
        survey=survey, status=SurveyResponse.Status.SUBMITTED).values("municipality_id")
    return survey.municipalities.exclude(pk__in=submitted).select_related("region")


def due_step(survey: Survey, now) -> int | None:
    """The latest planned step whose time has come (earlier ones are superseded)."""
    due = [days for days in survey.reminder_plan if survey.reminder_time(days) <= now]
    return max(due) if due else None


def _claim(survey, municipality, key, *, superseded=False) -> ReminderDelivery | None:
    try:
        with transaction.atomic():
            return ReminderDelivery.objects.create(survey=survey, municipality=municipality,
                                                   step=key, superseded=superseded)
    except IntegrityError:
        return None  # another sweep (or an earlier one) has it


@transaction.atomic
def _reclaim_stale(survey, now) -> list[ReminderDelivery]:
    """Rows claimed by a worker that died (or is still queued) before sending: take them over
    with a new token, one winner each. A row being sent right now is locked and skipped."""
    taken = []
    for delivery in ReminderDelivery.objects.select_for_update(skip_locked=True).filter(
            survey=survey, sent_at=None, superseded=False, claimed_at__lt=now - STALE_CLAIM):
        token = uuid.uuid4()
        won = ReminderDelivery.objects.filter(pk=delivery.pk, token=delivery.token,
                                              sent_at=None).update(claimed_at=now, token=token)
        if won:
            delivery.claimed_at, delivery.token = now, token
            taken.append(delivery)
    return taken


def _due_extended_step(survey, extension, now) -> int | None:
    """The latest step of the extended deadline whose time has come, unless it came before
    the extension was granted (the old date's reminders covered that time)."""
    due = [days for days in survey.reminder_plan
           if survey.reminder_time(days, extension.until) <= now]
    if not due or survey.reminder_time(max(due), extension.until) < extension.granted_at:
        return None
    return max(due)


def claim_due(survey: Survey, now) -> list[ReminderDelivery]:
    """Claims the reminders due now; returns the ones this caller must send. A municipality
    with an extended deadline gets the plan's steps counted from its own date."""
    step = due_step(survey, now)
    extensions = deadlines(survey)
    if step is None and not extensions:
        return _reclaim_stale(survey, now)
    # Read once which steps are claimed already, so a sweep every quarter of an hour does not
    # try (and fail) to insert them again; _claim still settles a race between two sweeps.
    done = set(ReminderDelivery.objects.filter(survey=survey).values_list(
        "municipality_id", "step"))
    claimed = []
    for municipality in pending_municipalities(survey):
        extension = extensions.get(municipality.pk)
        if extension is None:
            mine, key = step, step_key
        else:
            mine = _due_extended_step(survey, extension, now)
            def key(days, until=extension.until):
                return extended_key(days, until)
        if mine is None:
            continue
        for earlier in survey.reminder_plan:
            if earlier < mine and (municipality.pk, key(earlier)) not in done:
                _claim(survey, municipality, key(earlier), superseded=True)
        if (municipality.pk, key(mine)) in done:
            continue
        delivery = _claim(survey, municipality, key(mine))
        if delivery is not None:
            claimed.append(delivery)
    return claimed + _reclaim_stale(survey, now)


def on_demand_due(survey: Survey, now) -> tuple[int, int]:
    """What reminding now would send: the municipalities not reminded by hand today that have
    not submitted, and the number of e-mails (one per person, the liaison room not copied)."""
    reminded = ReminderDelivery.objects.filter(survey=survey, step=on_demand_key(now)).values(
        "municipality_id")
    due = pending_municipalities(survey).exclude(pk__in=reminded)
    people = User.objects.filter(is_active=True, role=User.Role.MUNICIPAL,
                                 organisation__municipality__in=due).exclude(email="")
    return due.count(), people.count()


def claim_on_demand(survey: Survey, now) -> list[ReminderDelivery]:
    key = on_demand_key(now)
    return [delivery for municipality in pending_municipalities(survey)
            if (delivery := _claim(survey, municipality, key)) is not None]


def _copies_liaison(delivery: ReminderDelivery) -> bool:
    try:
        days = int(delivery.step.partition("@")[0])
    except ValueError:
        return False  # an on-demand reminder
    return delivery.survey.copies_liaison(days)


def recipients(delivery: ReminderDelivery) -> tuple[list[str], list[str]]:
    users = User.objects.filter(is_active=True).exclude(email="")
    to = list(users.filter(role=User.Role.MUNICIPAL,
                           organisation__municipality=delivery.municipality)
              .values_list("email", flat=True))
    cc = []
    if _copies_liaison(delivery):  # as planned per step: the liaison room is told too
        cc = list(users.filter(role=User.Role.BRANCH,
                               organisation__region=delivery.municipality.region_id)
                  .values_list("email", flat=True))
    return to, cc


def send(delivery: ReminderDelivery, token) -> bool:
    """Sends the e-mail of a reminder claimed under ``token`` and marks it sent; False (and
    nothing sent) if it was sent already or the claim was taken over.

    The row is marked sent under the token first and the e-mail goes out inside the same
    transaction: a takeover either changed the token before (this send is refused) or waits
    for the lock and then finds the row sent; a failed send rolls the mark back for a retry."""
    survey = delivery.survey
    to, cc = recipients(delivery)
    deadline = deadline_for(survey, delivery.municipality_id)
    context = {
        "survey": survey, "municipality": delivery.municipality, "delivery": delivery,
        "deadline": deadline, "after_deadline": timezone.now() > deadline,
        "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("survey_answer", args=[survey.pk]),
    }
    if to or cc:
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("surveys/email/reminder_subject.txt", context).strip()
            text = render_to_string("surveys/email/reminder.txt", context)
            html = render_to_string("surveys/email/reminder.html", context)
        message = EmailMultiAlternatives(subject, text, to=to or cc, cc=cc if to else [])
        message.attach_alternative(html, "text/html")
    with transaction.atomic():
        won = ReminderDelivery.objects.filter(pk=delivery.pk, token=token, sent_at=None,
                                              superseded=False).update(sent_at=timezone.now())
        if not won:
            return False
        if to or cc:
            message.send()
    caching.bump("surveys")  # the status board shows the last reminder
    return True


def open_surveys(now):
    """Surveys whose reminder window is open: from opening until a few days past the deadline."""
    last_step = max((max(s.reminder_plan, default=0) for s in Survey.objects.filter(
        opens_at__lte=now).only("reminder_plan")), default=0)
    since = now - datetime.timedelta(days=last_step + 2)
    return Survey.objects.filter(
        Q(deadline__gte=since) | Q(extensions__until__gte=since), opens_at__lte=now,
        finalised_at__isnull=True).distinct()
