"""Writes on councils and meetings: numbering, notices, attendance, minutes, action items."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, Max, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib import audit, permissions
from portal.lib.queue import enqueue_on_commit

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
from .people import person_label

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
def meeting_update(*, actor, meeting: Meeting, values: dict, notify: bool = True) -> Meeting:
    """Changes a meeting. A changed time or place of an announced meeting is a new calendar
    version (SEQUENCE + 1); its update goes to the members once, when ``notify``."""
    _require(actor, permissions.CHANGE, meeting)
    # The row is locked and compared as stored, so a second click finds nothing changed.
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if locked.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("A cancelled meeting cannot be changed."))
    changed = any(getattr(locked, name) != values.get(name, getattr(locked, name))
                  for name in NOTICE_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    if changed and locked.announced_at:
        locked.sequence += 1
    locked.full_clean()
    locked.save()
    if changed and locked.announced_at and notify:
        _notify(locked)
    meeting.refresh_from_db()
    return meeting


@transaction.atomic
def meeting_announce(*, actor, meeting: Meeting) -> Meeting:
    _require(actor, permissions.CHANGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # one notice per click
    if meeting.announced_at is None:
        meeting.announced_at = timezone.now()
        meeting.save(update_fields=["announced_at"])
        _notify(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, actor, meeting: Meeting) -> Meeting:
    _require(actor, permissions.CHANGE, meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)  # one CANCEL per click
    if meeting.status != Meeting.Status.CANCELLED:
        meeting.status = Meeting.Status.CANCELLED
        meeting.sequence += 1
        meeting.save(update_fields=["status", "sequence"])
        if meeting.announced_at:
            _notify(meeting)
    return meeting


# The tasks that send e-mail, by name: the tasks import the services, never the other way.
NOTICE_TASK = "meetings.tasks.send_meeting_notice"
CIRCULATION_TASK = "meetings.tasks.send_minutes_for_comment"


def _notify(meeting: Meeting) -> None:
    enqueue_on_commit(NOTICE_TASK, meeting.pk, meeting.sequence)


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
    if to == Minutes.Status.CIRCULATED:
        enqueue_on_commit(CIRCULATION_TASK, minutes.pk)
    audit.record(minutes.meeting, audit.Action.PUBLISH if to == "published" else
                 audit.Action.UPDATE, changes={"minutes": [None, minutes.get_status_display()]})
    return minutes


@transaction.atomic
def minutes_comment(*, actor, minutes: Minutes, text: str) -> MinutesComment:
    if not permissions.can(actor, permissions.COMMENT, minutes):
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


def attendees_to_ask(minutes: Minutes) -> list[Membership]:
    """The seats that attended (in person or by proxy) and have an address to write to."""
    seats = Membership.objects.filter(
        attendance__meeting_id=minutes.meeting_id,
        attendance__status__in=[Attendance.Status.PRESENT, Attendance.Status.PROXY],
    ).select_related("user__organisation").order_by("id")
    return [seat for seat in seats if seat.address]


def members_to_notify(meeting: Meeting) -> list[Membership]:
    """The seats of the meeting's day that have somewhere to send a notice to."""
    return [seat for seat in roster(meeting.body, timezone.localtime(meeting.starts_at).date())
            if seat.address]


# Seats and working teams.

def _open_on(membership: Membership, day: datetime.date) -> bool:
    return membership.starts_on <= day and (membership.ends_on is None
                                            or membership.ends_on >= day)


@transaction.atomic
def membership_add(*, actor, body: Body, user=None, title: str, starts_on: datetime.date,
                   is_chair: bool = False, is_vice_chair: bool = False, person_name: str = "",
                   organisation_name: str = "", email: str = "") -> Membership:
    """A new seat on ``body`` from ``starts_on``, for a portal account (``user``) or for a
    person without one (``person_name``, ``organisation_name``, ``email``); a person holds
    one open seat per body."""
    _require(actor, permissions.CHANGE, body)
    Body.objects.select_for_update().get(pk=body.pk)  # a double click adds one seat
    current = body.memberships.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if user is not None:
        holder = {"user": user}
        same = current.filter(user=user)
    else:
        holder = {"person_name": person_name.strip()[:100],
                  "organisation_name": organisation_name.strip()[:100],
                  "email": email.strip()[:254]}
        if not holder["person_name"]:
            raise ValidationError(_("Choose a portal account or give the person's name."))
        same = current.filter(user=None, person_name=holder["person_name"],
                              organisation_name=holder["organisation_name"])
    if same.exists():
        raise ValidationError(_("%(name)s already has a seat on this body.")
                              % {"name": person_name if user is None else person_label(user)})
    seat = Membership(body=body, **holder, title=title.strip()[:100], starts_on=starts_on,
                      is_chair=is_chair, is_vice_chair=is_vice_chair and not is_chair)
    seat.full_clean()
    seat.save()
    return seat


@transaction.atomic
def membership_end(*, actor, membership: Membership, on: datetime.date) -> Membership:
    """Ends a seat on ``on`` (its last day); the seat stays in the rosters of earlier days."""
    _require(actor, permissions.CHANGE, membership.body)
    seat = Membership.objects.select_for_update().get(pk=membership.pk)
    if seat.ends_on is not None and seat.ends_on <= on:
        return seat  # already ended by then: a repeated click
    if on < seat.starts_on:
        raise ValidationError(_("A seat cannot end before it starts."))
    seat.ends_on = on
    seat.save(update_fields=["ends_on"])
    return seat


@transaction.atomic
def membership_replace(*, actor, membership: Membership, successor, on: datetime.date,
                       title: str = "") -> Membership:
    """The April rotation in one step: the seat ends the day before ``on`` and the successor's
    starts on ``on``, with the same position and chair, so both days' rosters stay right."""
    _require(actor, permissions.CHANGE, membership.body)
    seat = Membership.objects.select_for_update().get(pk=membership.pk)
    last_day = on - datetime.timedelta(days=1)
    if not _open_on(seat, last_day) or (seat.ends_on is not None and seat.ends_on != last_day):
        raise ValidationError(_("This seat is not held on the day before the hand-over; "
                                "it may have been handed over already."))
    if seat.ends_on == last_day:
        raise ValidationError(_("This seat has already been handed over on that day."))
    if successor.pk == seat.user_id:
        raise ValidationError(_("Choose someone else as the successor."))
    if seat.body.memberships.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on),
                                    user=successor).exclude(pk=seat.pk).exists():
        raise ValidationError(_("%(name)s already has a seat on this body.")
                              % {"name": person_label(successor)})
    seat.ends_on = last_day
    seat.save(update_fields=["ends_on"])
    new = Membership(body=seat.body, user=successor, title=(title.strip() or seat.title)[:100],
                     starts_on=on, is_chair=seat.is_chair, is_vice_chair=seat.is_vice_chair)
    new.full_clean()
    new.save()
    return new


@transaction.atomic
def team_create(*, actor, parent: Body, name: str, theme=None, purpose: str = "",
                starts_on: datetime.date, ends_on: datetime.date | None = None,
                members=()) -> Body:
    """A working team under ``parent``, with seats from any organisation."""
    _require(actor, permissions.CHANGE, parent)
    if parent.kind == Body.Kind.WORKING_TEAM:
        raise ValidationError(_("A working team is formed by a council or a regional body."))
    if ends_on is not None and ends_on < starts_on:
        raise ValidationError(_("The term must end after it starts."))
    team = Body(kind=Body.Kind.WORKING_TEAM, parent=parent, name=name.strip()[:200],
                theme=theme, description=purpose, starts_on=starts_on, ends_on=ends_on)
    team.full_clean()
    team.save()
    Membership.objects.bulk_create([Membership(body=team, user=user, title=title[:100],
                                               starts_on=starts_on, ends_on=ends_on)
                                    for user, title in members])
    return team


@transaction.atomic
def team_close(*, actor, team: Body, on: datetime.date) -> Body:
    """Closes a working team on ``on``: its term and its open seats end that day."""
    _require(actor, permissions.CHANGE, team)
    team = Body.objects.select_for_update().get(pk=team.pk)
    if team.kind != Body.Kind.WORKING_TEAM:
        raise ValidationError(_("Only a working team can be closed."))
    if team.starts_on and on < team.starts_on:
        raise ValidationError(_("The term must end after it starts."))
    team.ends_on = on
    team.save(update_fields=["ends_on"])
    team.memberships.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=on),
                            starts_on__lte=on).update(ends_on=on)
    team.memberships.filter(starts_on__gt=on).delete()  # seats that never began
    return team


# The agenda of a meeting.

@transaction.atomic
def agenda_add(*, actor, meeting: Meeting, title: str, link=None) -> AgendaItem:
    _require(actor, permissions.CHANGE, meeting)
    Meeting.objects.select_for_update().get(pk=meeting.pk)  # one order number at a time
    last = meeting.agenda.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem(meeting=meeting, order=last + 1, title=title.strip()[:300])
    _set_link(item, link)
    item.full_clean()
    item.save()
    return item


def _set_link(item: AgendaItem, link) -> None:
    """``link`` is a theme, an initiative or a survey (its results), or None for no link."""
    from collaboration.models import Initiative, Theme
    from surveys.models import Survey

    item.theme = link if isinstance(link, Theme) else None
    item.initiative = link if isinstance(link, Initiative) else None
    item.survey = link if isinstance(link, Survey) else None


@transaction.atomic
def agenda_link(*, actor, item: AgendaItem, link) -> AgendaItem:
    _require(actor, permissions.CHANGE, item.meeting)
    _set_link(item, link)
    item.save(update_fields=["theme", "initiative", "survey"])
    return item


@transaction.atomic
def agenda_move(*, actor, item: AgendaItem, up: bool) -> None:
    """Swaps the item with its neighbour; the agenda is renumbered 1, 2, 3 … on the way."""
    _require(actor, permissions.CHANGE, item.meeting)
    Meeting.objects.select_for_update().get(pk=item.meeting_id)
    items = list(item.meeting.agenda.all())
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if up else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    for order, other in enumerate(items, start=1):
        other.order = order
    AgendaItem.objects.bulk_update(items, ["order"])


@transaction.atomic
def agenda_remove(*, actor, item: AgendaItem) -> None:
    _require(actor, permissions.CHANGE, item.meeting)
    item.delete()
