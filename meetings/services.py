"""Writes on councils and meetings: numbering, notices, attendance, minutes, action items."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import audit, permissions
from portal.queue import enqueue_on_commit

from .models import (
    ActionItem,
    AgendaItem,
    Attendance,
    Body,
    Meeting,
    Membership,
    Minutes,
    MinutesComment,
)

# The order of a Japanese member list: the chair, the prefecture, its offices, the municipalities
# in 団体コード order.
ORGANISATION_ORDER = Case(
    When(user__organisation__kind="prefecture", then=Value(0)),
    When(user__organisation__kind="branch_office", then=Value(1)),
    When(user__organisation__kind="municipality", then=Value(2)),
    default=Value(3))


def roster(body: Body, day: datetime.date):
    """Who sat on the body on ``day``: the April rotation keeps the earlier members' history."""
    return body.memberships.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=day), starts_on__lte=day,
    ).select_related("user__organisation").order_by(
        "-is_chair", "-is_vice_chair", ORGANISATION_ORDER,
        "user__organisation__municipality__lg_code", "user__organisation__region__sort_order",
        "id")


def _require(actor, action, obj):
    if not permissions.can(actor, action, obj):
        raise PermissionDenied


@transaction.atomic
def meeting_create(*, actor, body: Body, values: dict, agenda: list[str]) -> Meeting:
    """A new meeting, numbered 第n回 in order within its body."""
    _require(actor, permissions.CHANGE, body)
    Body.objects.select_for_update().get(pk=body.pk)  # one number at a time per body
    number = (body.meetings.aggregate(last=Max("number"))["last"] or 0) + 1
    meeting = Meeting(body=body, number=number, **values)
    meeting.full_clean()
    meeting.save()
    AgendaItem.objects.bulk_create([AgendaItem(meeting=meeting, order=order, title=title[:300])
                                    for order, title in enumerate(agenda, start=1) if title])
    Minutes.objects.create(meeting=meeting)
    return meeting


NOTICE_FIELDS = ("starts_at", "ends_at", "venue", "online_url")


@transaction.atomic
def meeting_update(*, actor, meeting: Meeting, values: dict) -> Meeting:
    """Changes a meeting; a changed time or place of an announced meeting sends an update."""
    _require(actor, permissions.CHANGE, meeting)
    changed = any(getattr(meeting, name) != values.get(name, getattr(meeting, name))
                  for name in NOTICE_FIELDS)
    for name, value in values.items():
        setattr(meeting, name, value)
    if changed and meeting.announced_at:
        meeting.sequence += 1
    meeting.full_clean()
    meeting.save()
    if changed and meeting.announced_at:
        _notify(meeting)
    return meeting


@transaction.atomic
def meeting_announce(*, actor, meeting: Meeting) -> Meeting:
    _require(actor, permissions.CHANGE, meeting)
    if meeting.announced_at is None:
        meeting.announced_at = timezone.now()
        meeting.save(update_fields=["announced_at"])
        _notify(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> Meeting:
    _require(actor, permissions.CHANGE, meeting)
    if meeting.status != Meeting.Status.CANCELLED:
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
        if meeting.announced_at:
            _notify(meeting)
    return meeting


def _notify(meeting: Meeting) -> None:
    from .tasks import send_meeting_notice

    enqueue_on_commit(send_meeting_notice, meeting.pk, meeting.sequence)


@transaction.atomic
def attendance_record(*, actor, meeting: Meeting, entries: dict) -> None:
    """``entries``: membership id → (status, proxy name), for members on the roster that day."""
    _require(actor, permissions.CHANGE, meeting)
    allowed = {m.pk for m in roster(meeting.body, timezone.localtime(meeting.starts_at).date())}
    rows = []
    for membership_id, (status, proxy) in entries.items():
        if membership_id not in allowed or status not in Attendance.Status.values:
            raise ValidationError(_("Attendance can only be taken for members on the roster."))
        if status == Attendance.Status.PROXY and not proxy.strip():
            raise ValidationError(_("Name the proxy."))
        rows.append(Attendance(meeting=meeting, membership_id=membership_id, status=status,
                               proxy_name=proxy.strip()[:100] if status == "proxy" else ""))
    # One statement for the whole roster, whether members are recorded for the first time or
    # again.
    Attendance.objects.bulk_create(rows, update_conflicts=True,
                                   unique_fields=["meeting", "membership"],
                                   update_fields=["status", "proxy_name"])


# The minutes move forward one step at a time: draft → circulated → approved → published.
NEXT = {Minutes.Status.DRAFT: Minutes.Status.CIRCULATED,
        Minutes.Status.CIRCULATED: Minutes.Status.APPROVED,
        Minutes.Status.APPROVED: Minutes.Status.PUBLISHED}


EDITABLE_MINUTES = (Minutes.Status.DRAFT, Minutes.Status.CIRCULATED)


@transaction.atomic
def minutes_save(*, actor, minutes: Minutes, text: str) -> Minutes:
    _require(actor, permissions.CHANGE, minutes.meeting)
    if minutes.status not in EDITABLE_MINUTES:
        raise ValidationError(_("Approved minutes cannot be changed."))
    minutes.text = text
    minutes.save(update_fields=["text", "updated_at"])
    return minutes


@transaction.atomic
def minutes_advance(*, actor, minutes: Minutes, to: str) -> Minutes:
    _require(actor, permissions.CHANGE, minutes.meeting)
    minutes = Minutes.objects.select_for_update().get(pk=minutes.pk)
    if minutes.status == to:
        return minutes  # a repeated click
    if NEXT.get(minutes.status) != to:
        raise ValidationError(_("The minutes are %(status)s and cannot go to that step.")
                              % {"status": minutes.get_status_display()})
    minutes.status = to
    minutes.save(update_fields=["status", "updated_at"])
    audit.record(minutes.meeting, audit.Action.PUBLISH if to == "published" else
                 audit.Action.UPDATE, changes={"minutes": [None, minutes.get_status_display()]})
    return minutes


def may_comment(user, minutes: Minutes) -> bool:
    """Attendees (and those running the body) comment while the minutes are circulated."""
    if minutes.status != Minutes.Status.CIRCULATED:
        return False
    if permissions.can(user, permissions.CHANGE, minutes.meeting):
        return True
    return Attendance.objects.filter(meeting=minutes.meeting, membership__user=user,
                                     status__in=["present", "proxy"]).exists()


@transaction.atomic
def minutes_comment(*, actor, minutes: Minutes, text: str) -> MinutesComment:
    if not may_comment(actor, minutes):
        raise PermissionDenied
    return MinutesComment.objects.create(minutes=minutes, author=actor, text=text[:4000])


@transaction.atomic
def action_item_add(*, actor, meeting: Meeting, title: str, owner=None, due_on=None,
                    is_decision=False) -> ActionItem:
    _require(actor, permissions.CHANGE, meeting)
    return ActionItem.objects.create(meeting=meeting, title=title[:300], owner=owner,
                                     due_on=due_on, is_decision=is_decision)


@transaction.atomic
def action_item_done(*, actor, item: ActionItem) -> ActionItem:
    _require(actor, permissions.CHANGE, item)  # its owner, or whoever runs the meeting
    item.status = ActionItem.Status.DONE
    item.save(update_fields=["status"])
    return item


def members_to_notify(meeting: Meeting) -> list[Membership]:
    return list(roster(meeting.body, timezone.localtime(meeting.starts_at).date())
                .exclude(user__email="").filter(user__is_active=True))
