"""The request to answer (「回答依頼」): each target municipality's staff get it once, proven by
a unique OpeningNotice row claimed before the e-mail is sent."""

import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.lib import caching
from portal.lib.japanese import wareki_date
from portal.models import User

from .models import OpeningNotice, Survey

# A claimed notice not marked sent after this long is taken to be from a worker that died.
STALE_CLAIM = datetime.timedelta(minutes=15)
WEEKDAYS = "月火水木金土日"


def deadline_text(moment) -> str:
    """令和8年12月16日(水) 17:00 — the era date without the Western year, as letters write it."""
    local = timezone.localtime(moment)
    with translation.override(settings.LANGUAGE_CODE):
        day = wareki_date(local.date()).split(" ")[0].split("（")[0]
    return f"{day}({WEEKDAYS[local.weekday()]}) {local:%H:%M}"


def _claim(survey, municipality) -> OpeningNotice | None:
    try:
        with transaction.atomic():
            return OpeningNotice.objects.create(survey=survey, municipality=municipality)
    except IntegrityError:
        return None  # a concurrent (or earlier) send has it


def claim(survey: Survey, now) -> list[OpeningNotice]:
    """Claims the notices not claimed yet, and those left by a dead worker; returns the ones
    this caller must send."""
    done = set(OpeningNotice.objects.filter(survey=survey).values_list("municipality_id",
                                                                       flat=True))
    claimed = [notice for municipality in survey.municipalities.all()
               if municipality.pk not in done
               and (notice := _claim(survey, municipality)) is not None]
    for notice in OpeningNotice.objects.filter(survey=survey, sent_at=None,
                                               claimed_at__lt=now - STALE_CLAIM):
        if OpeningNotice.objects.filter(pk=notice.pk, claimed_at=notice.claimed_at,
                                        sent_at=None).update(claimed_at=now):
            claimed.append(notice)
    return claimed


def due_surveys(now):
    """Surveys asked for whose opening has come and whose deadline has not passed."""
    return Survey.objects.filter(requested_at__isnull=False, opens_at__lte=now,
                                 deadline__gt=now)


def recipients(notice: OpeningNotice) -> list[str]:
    return list(User.objects.filter(
        is_active=True, role=User.Role.MUNICIPAL,
        organisation__municipality=notice.municipality_id).exclude(email="")
        .values_list("email", flat=True))


@transaction.atomic
def send(notice_id: int) -> bool:
    """Sends one claimed notice and marks it sent, under a row lock so that a duplicate run
    waits and then finds it sent; a failed send rolls back and is retried."""
    notice = OpeningNotice.objects.select_for_update().select_related(
        "survey", "municipality").filter(pk=notice_id, sent_at=None).first()
    if notice is None:
        return False
    survey, to = notice.survey, recipients(notice)
    context = {
        "survey": survey, "municipality": notice.municipality,
        "deadline": deadline_text(survey.deadline),
        "url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("survey_answer", args=[survey.pk]),
    }
    if to:
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("surveys/email/opening_subject.txt", context).strip()
            text = render_to_string("surveys/email/opening.txt", context)
            html = render_to_string("surveys/email/opening.html", context)
        message = EmailMultiAlternatives(subject, text, to=to)
        message.attach_alternative(html, "text/html")
        message.send()
    notice.sent_at, notice.recipients = timezone.now(), len(to)
    notice.save(update_fields=["sent_at", "recipients"])
    caching.bump("surveys")  # the status board shows it
    return True
