"""The buttons of a meeting's page, one small view each: look the meeting up through the
access helper, act through a service, say what happened, go back to the page."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from collaboration.forms import AttachmentForm
from portal.lib import reports
from portal.lib.permissions import CHANGE, LOGGED_IN, VIEW, access, get_object_or_404
from portal.models import User
from portal.services.attachments import attachment_create

from . import services
from .forms import ActionItemForm, CommentForm, MinutesForm
from .models import ActionItem, Meeting
from .report_kinds import CODE as PACKET


def _meeting(request, pk, action=VIEW):
    return get_object_or_404(request.user, action, Meeting.objects.select_related(
        "body", "minutes"), pk=pk)


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _form_errors(form) -> ValidationError:
    return ValidationError([error for errors in form.errors.values() for error in errors])


@require_POST
@access(LOGGED_IN)
def meeting_announce(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    services.meeting_announce(actor=request.user, meeting=meeting)
    messages.success(request, _("The members are being notified."))
    return redirect(meeting)


@require_POST
@access(LOGGED_IN)
def meeting_cancel(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    services.meeting_cancel(actor=request.user, meeting=meeting)
    messages.success(request, _("The meeting is cancelled."))
    return redirect(meeting)


@require_POST
@access(LOGGED_IN)
def meeting_attendance(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    entries = {}
    for seat in services.roster(meeting.body, timezone.localtime(meeting.starts_at).date()):
        status = request.POST.get(f"m{seat.pk}", "")
        if status:
            entries[seat.pk] = (status, request.POST.get(f"p{seat.pk}", ""))
    try:
        services.attendance_record(actor=request.user, meeting=meeting, entries=entries)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Attendance has been recorded."))
    return redirect(meeting)


# What each step of the minutes tells the person who took it.
MINUTES_DONE = {
    "": gettext_lazy("The minutes have been saved."),
    "circulated": gettext_lazy("The minutes have been circulated to the attendees for "
                               "review."),
    "approved": gettext_lazy("The minutes have been approved."),
    "published": gettext_lazy("The minutes have been published."),
}


@require_POST
@access(LOGGED_IN)
def meeting_minutes(request, pk):
    """Saves the text of the minutes and, with ``advance``, takes them one step on."""
    meeting = _meeting(request, pk, CHANGE)
    form = MinutesForm(request.POST)
    step = request.POST.get("advance", "")
    if step not in MINUTES_DONE:
        messages.error(request, _("The request was not understood."))
        return redirect(meeting)
    if not form.is_valid():
        _refused(request, _form_errors(form))
        return redirect(meeting)
    minutes = meeting.minutes
    try:
        if minutes.status in services.EDITABLE_MINUTES:
            services.minutes_save(actor=request.user, minutes=minutes,
                                  text=form.cleaned_data["text"])
        if step:
            services.minutes_advance(actor=request.user, minutes=minutes, to=step)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, MINUTES_DONE[step])
    return redirect(meeting)


@require_POST
@access(LOGGED_IN)
def minutes_comment(request, pk):
    meeting = _meeting(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        _refused(request, _form_errors(form))
        return redirect(meeting)
    try:
        services.minutes_comment(actor=request.user, minutes=meeting.minutes,
                                 text=form.cleaned_data["text"])
    except PermissionDenied:
        raise Http404 from None  # not an attendee: there is nothing to comment on
    messages.success(request, _("Your comment has been added."))
    return redirect(meeting)


@require_POST
@access(LOGGED_IN)
def action_item_add(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    day = timezone.localtime(meeting.starts_at).date()
    owners = User.objects.filter(pk__in=services.roster(meeting.body, day).values("user_id"))
    form = ActionItemForm(request.POST, members=owners)
    if not form.is_valid():
        _refused(request, _form_errors(form))
        return redirect(meeting)
    services.action_item_add(actor=request.user, meeting=meeting, **form.cleaned_data)
    messages.success(request, _("The item has been added."))
    return redirect(meeting)


@require_POST
@access(LOGGED_IN)
def action_item_done(request, pk):
    """Its owner, or whoever runs the meeting, marks an item done."""
    meeting = _meeting(request, pk)
    item_pk = request.POST.get("item", "")
    if not item_pk.isdigit():
        messages.error(request, _("The request was not understood."))
        return redirect(meeting)
    item = get_object_or_404(request.user, VIEW, ActionItem.objects.filter(meeting=meeting),
                             pk=int(item_pk))
    try:
        services.action_item_done(actor=request.user, item=item)
    except PermissionDenied:
        raise Http404 from None
    messages.success(request, _("The item is done."))
    return redirect(meeting)


@require_POST
@access(LOGGED_IN)
def meeting_attach(request, pk):
    meeting = _meeting(request, pk, CHANGE)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        _refused(request, _form_errors(form))
        return redirect(meeting)
    try:
        attachment_create(actor=request.user, owner=meeting, upload=form.cleaned_data["file"],
                          title=form.cleaned_data["title"])
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("The file has been attached."))
    return redirect(meeting)


@require_POST
@access(LOGGED_IN)
def meeting_packet(request, pk):
    """Asks the report pipeline for the packet; asking again while it is being built shows
    the same report."""
    meeting = _meeting(request, pk)
    report = reports.request_report(user=request.user, code=PACKET,
                                    params={"meeting_id": meeting.pk})
    return redirect(report)
