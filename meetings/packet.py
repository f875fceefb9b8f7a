"""The meeting packet (会議資料): a cover, the roster of the day, the agenda with 資料番号, and
each item's material (a survey's results, a theme, an initiative), then the documents list."""

from django.utils import timezone

from portal.lib.permissions import FOLLOW, VIEW, can, scope
from portal.models import Attachment
from surveys.models import Survey
from surveys.results import results_for

from .models import Attendance, Meeting
from .people import seat_label
from .services import roster


def may_see_results(user) -> bool:
    """Survey results follow the survey pages' rule: those who follow surveys."""
    return can(user, FOLLOW, Survey)


def documents_of(user, meeting: Meeting):
    return scope(user, VIEW, Attachment.objects.filter(
        content_type__app_label="meetings", content_type__model="meeting",
        object_id=str(meeting.pk))).order_by("uploaded_at", "id")


def packet_context(meeting: Meeting, user) -> dict:
    """What the packet shows, read with ``user``'s rights (the person who asked for it)."""
    day = timezone.localtime(meeting.starts_at).date()
    taken = {a.membership_id: a for a in meeting.attendance.all()}
    members = [(seat, seat_label(seat), taken.get(seat.pk))
               for seat in roster(meeting.body, day)]
    results_allowed = may_see_results(user)
    items = []
    for number, item in enumerate(meeting.agenda.select_related(
            "theme", "initiative__category", "survey"), start=1):
        results = None
        if item.survey is not None and results_allowed:
            results = results_for(user, item.survey)
        initiatives = list(scope(user, VIEW, item.theme.initiatives.order_by("title"))) \
            if item.theme is not None else []
        items.append({"number": number, "item": item, "results": results,
                      "theme_initiatives": initiatives})
    return {"meeting": meeting, "day": day, "members": members, "items": items,
            "results_allowed": results_allowed,
            "documents": list(documents_of(user, meeting)),
            "statuses": dict(Attendance.Status.choices)}
