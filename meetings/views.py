from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.forms import AttachmentForm
from portal.lib.permissions import (
    CHANGE,
    COMMENT,
    LOGGED_IN,
    PUBLIC,
    VIEW,
    access,
    can,
    get_object_or_404,
    scope,
)
from portal.models import Report, User

from . import services
from .calendar import calendar
from .forms import ActionItemForm, CommentForm, MeetingForm, MinutesForm
from .models import Attendance, Body, CalendarFeed, Meeting, Minutes, new_feed_token
from .packet import documents_of
from .report_kinds import CODE as PACKET


@access(LOGGED_IN)
def body_list(request):
    bodies = scope(request.user, VIEW, Body.objects.select_related("region", "parent"))
    return render(request, "meetings/body_list.html", {"bodies": bodies})


@access(LOGGED_IN)
def body_detail(request, pk):
    body = get_object_or_404(request.user, VIEW, Body.objects.select_related("theme"), pk=pk)
    today = timezone.localdate()
    manage = can(request.user, CHANGE, body)
    form = MeetingForm(request.POST or None) if manage else None
    if request.method == "POST":
        if not manage:
            raise Http404
        if form.is_valid():
            meeting = services.meeting_create(actor=request.user, body=body,
                                              values=form.values(), agenda=form.agenda_lines())
            messages.success(request, _("Meeting no. %(number)s has been created.")
                             % {"number": meeting.number})
            return redirect(meeting)
    return render(request, "meetings/body_detail.html", {
        "body": body, "members": services.roster(body, today),
        "former": body.memberships.filter(ends_on__lt=today).select_related("user"),
        "meetings": body.meetings.all(), "teams": scope(request.user, VIEW, body.teams.all()),
        "form": form, "manage": manage,
        "closed": body.ends_on is not None and body.ends_on <= today,
    }, status=400 if form is not None and form.errors else 200)


def _meeting(request, pk, action=VIEW):
    return get_object_or_404(request.user, action, Meeting.objects.select_related(
        "body", "minutes"), pk=pk)


@access(LOGGED_IN)
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    manage = can(request.user, CHANGE, meeting)
    day = timezone.localtime(meeting.starts_at).date()
    members = list(services.roster(meeting.body, day))
    taken = {a.membership_id: a for a in meeting.attendance.all()}
    minutes = meeting.minutes
    visible_minutes = manage or minutes.status != Minutes.Status.DRAFT
    owners = User.objects.filter(pk__in=[m.user_id for m in members])
    return render(request, "meetings/meeting_detail.html", {
        "meeting": meeting, "manage": manage, "agenda": meeting.agenda.select_related(
            "theme", "initiative", "survey"),
        "attendance": [(m, taken.get(m.pk)) for m in members],
        "statuses": Attendance.Status.choices,
        "minutes": minutes if visible_minutes else None,
        "minutes_form": MinutesForm(initial={"text": minutes.text}) if manage else None,
        "next_step": services.NEXT.get(minutes.status) if manage else None,
        "comments": minutes.comments.select_related("author") if visible_minutes else [],
        "comment_form": CommentForm() if can(request.user, COMMENT, minutes) else None,
        "actions": meeting.action_items.select_related("owner"),
        "documents": documents_of(request.user, meeting),
        "packet": Report.objects.filter(requested_by=request.user, kind=PACKET,
                                        params={"meeting_id": meeting.pk}).first(),
        "attachment_form": AttachmentForm() if manage else None,
        "action_form": ActionItemForm(members=owners) if manage else None,
    })


@access(LOGGED_IN)
def calendar_settings(request):
    feed, _created = CalendarFeed.objects.get_or_create(user=request.user)
    if request.method == "POST":
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
        messages.success(request, _("Your calendar address has been changed; the old one no "
                                    "longer works."))
        return redirect("calendar_settings")
    url = request.build_absolute_uri(reverse("calendar_feed", args=[feed.token]))
    return render(request, "meetings/calendar.html", {"url": url})


@access(PUBLIC)  # the secret token in the address is the credential
def calendar_feed(request, token):
    feed = CalendarFeed.objects.select_related("user").filter(token=token[:64]).first()
    if feed is None or not feed.user.is_active:
        raise Http404
    meetings = Meeting.objects.filter(body__memberships__user=feed.user).select_related(
        "body").distinct().order_by("starts_at")
    response = HttpResponse(calendar(meetings, name=_("Renkei Portal meetings")),
                            content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    return response
