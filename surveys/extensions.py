"""期限延長: a later deadline for one municipality. The board, the reminders and late marking
read a municipality's deadline through ``deadline_for``/``deadlines``."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib import caching
from portal.lib.permissions import can

from .models import DeadlineExtension, ReminderDelivery, Survey
from .policies import EXTEND, followed


def deadlines(survey: Survey) -> dict[int, DeadlineExtension]:
    """The survey's extensions by municipality id, in one query."""
    return {extension.municipality_id: extension
            for extension in DeadlineExtension.objects.filter(survey=survey)}


def deadline_for(survey: Survey, municipality_id: int,
                 extensions: dict | None = None) -> datetime.datetime:
    """The deadline that holds for one municipality: its extension, else the survey's."""
    if extensions is None:
        extension = DeadlineExtension.objects.filter(
            survey=survey, municipality_id=municipality_id).first()
    else:
        extension = extensions.get(municipality_id)
    return extension.until if extension is not None else survey.deadline


@transaction.atomic
def extend_deadline(*, actor, survey: Survey, municipality, until: datetime.datetime,
                    reason: str) -> DeadlineExtension:
    """Grants (or moves) one municipality's extension to ``until``, with the reason; only for a
    municipality the actor follows, before the results are finalised. Recorded in the audit
    trail with who granted it. Reminders then follow the new date."""
    if not can(actor, EXTEND, survey) or not followed(actor, survey).filter(
            pk=municipality.pk).exists():
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Write why the deadline is extended.")})
    if until <= survey.deadline:
        raise ValidationError({"until": _("The extended deadline must be after the survey's "
                                          "deadline.")})
    if until <= timezone.now():
        raise ValidationError({"until": _("The extended deadline must be in the future.")})
    extension = DeadlineExtension.objects.select_for_update().filter(
        survey=survey, municipality=municipality).first()
    if extension is None:
        extension = DeadlineExtension(survey=survey, municipality=municipality)
    extension.until, extension.reason = until, reason[:500]
    extension.granted_by, extension.granted_at = actor, timezone.now()
    extension.save()
    # Reminders claimed but not sent yet speak of the old date: they are dropped.
    ReminderDelivery.objects.filter(survey=survey, municipality=municipality,
                                    sent_at=None).update(superseded=True)
    caching.bump("surveys")
    return extension
