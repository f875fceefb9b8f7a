from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from collaboration.forms import AttachmentForm
from portal.models import Attachment, User
from portal.permissions import (
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
from portal.queue import enqueue_on_commit
from portal.services.attachments import attachment_create

from . import services
from .calendar import calendar
from .forms import ActionItemForm, CommentForm, MeetingForm, MinutesForm
from .models import (
    ActionItem,
    Attendance,
    Body,
    CalendarFeed,
    Meeting,
    Minutes,
    PacketJob,
    new_feed_token,
)
from .tasks import build_meeting_packet


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
        "documents": scope(request.user, VIEW, Attachment.objects.filter(
            content_type__app_label="meetings", content_type__model="meeting",
            object_id=str(meeting.pk))),
        "packet_job": meeting.packet_jobs.first(),
        "attachment_form": AttachmentForm() if manage else None,
        "action_form": ActionItemForm(members=owners) if manage else None,
    })


# What each step of the minutes tells the person who took it.
MINUTES_DONE = {
    Minutes.Status.CIRCULATED: gettext_lazy("The minutes have been circulated to the attendees for "
                                     "review."),
    Minutes.Status.APPROVED: gettext_lazy("The minutes have been approved."),
    Minutes.Status.PUBLISHED: gettext_lazy("The minutes have been published."),
}


@require_POST
@access(LOGGED_IN)
def meeting_act(request, pk, what):
    """The buttons of a meeting page: announce, cancel, attendance, minutes, actions."""
    meeting = _meeting(request, pk)
    user = request.user
    try:
        if what == "announce":
            services.meeting_announce(actor=user, meeting=_meeting(request, pk, CHANGE))
            messages.success(request, _("The members are being notified."))
        elif what == "cancel":
            services.meeting_cancel(actor=user, meeting=_meeting(request, pk, CHANGE))
            messages.success(request, _("The meeting is cancelled."))
        elif what == "attendance":
            meeting = _meeting(request, pk, CHANGE)
            entries = {}
            for membership in services.roster(meeting.body,
                                              timezone.localtime(meeting.starts_at).date()):
                status = request.POST.get(f"m{membership.pk}", "")
                if status:
                    entries[membership.pk] = (status, request.POST.get(f"p{membership.pk}", ""))
            services.attendance_record(actor=user, meeting=meeting, entries=entries)
            messages.success(request, _("Attendance has been recorded."))
        elif what == "minutes":
            form = MinutesForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["text"])
            minutes = _meeting(request, pk, CHANGE).minutes
            if minutes.status in services.EDITABLE_MINUTES:
                services.minutes_save(actor=user, minutes=minutes,
                                      text=form.cleaned_data["text"])
            step = request.POST.get("advance")
            if step:
                services.minutes_advance(actor=user, minutes=meeting.minutes, to=step)
            messages.success(request, MINUTES_DONE.get(step, _("The minutes have been saved.")))
        elif what == "comment":
            form = CommentForm(request.POST)
            if not form.is_valid():
                raise ValidationError(form.errors["text"])
            services.minutes_comment(actor=user, minutes=meeting.minutes,
                                     text=form.cleaned_data["text"])
            messages.success(request, _("Your comment has been added."))
        elif what == "action":
            managed = _meeting(request, pk, CHANGE)
            day = timezone.localtime(managed.starts_at).date()
            owners = User.objects.filter(pk__in=services.roster(managed.body, day).values(
                "user_id"))
            form = ActionItemForm(request.POST, members=owners)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.action_item_add(actor=user, meeting=managed, **form.cleaned_data)
            messages.success(request, _("The item has been added."))
        elif what == "packet":
            managed = _meeting(request, pk, CHANGE)
            job = PacketJob.objects.create(meeting=managed, requested_by=user)
            enqueue_on_commit(build_meeting_packet, job.pk)
            messages.success(request, _("The meeting packet is being built; reload this page "
                                        "in a moment."))
        elif what == "attach":
            form = AttachmentForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            attachment_create(actor=user, owner=_meeting(request, pk, CHANGE),
                              upload=form.cleaned_data["file"], title=form.cleaned_data["title"])
            messages.success(request, _("The file has been attached."))
        elif what == "done":
            item = get_object_or_404(user, VIEW, ActionItem.objects.filter(meeting=meeting),
                                     pk=request.POST.get("item", "0") or "0")
            services.action_item_done(actor=user, item=item)
            messages.success(request, _("The item is done."))
        else:
            raise Http404
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    except ValueError:
        messages.error(request, _("The request was not understood."))
    return redirect(meeting)


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
