"""Changing a meeting: its time and place, with an update to the members, and its agenda."""

import copy
from urllib.parse import urlencode

from django import shortcuts
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib.permissions import CHANGE, LOGGED_IN, access, get_object_or_404

from . import links, services
from .forms import AgendaItemForm, MeetingEditForm
from .models import AgendaItem, Meeting


def _meeting(request, pk):
    """A meeting the user runs; anyone else is told it does not exist."""
    return get_object_or_404(request.user, CHANGE, Meeting.objects.select_related("body"),
                             pk=pk)


def _item(meeting, item_pk):
    # The meeting was looked up in the user's scope; an item of another meeting is not found.
    return shortcuts.get_object_or_404(AgendaItem.objects.select_related("meeting__body"),
                                       meeting=meeting, pk=item_pk)


def _edit_url(request, meeting):
    """Back to the agenda, keeping the search the user made."""
    words = request.POST.get("q", "").strip()[:100]
    query = f"?{urlencode({'q': words})}" if words else ""
    return reverse("meeting_edit", args=[meeting.pk]) + query + "#agenda-title"


@access(LOGGED_IN)
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    if meeting.status == Meeting.Status.CANCELLED:
        messages.error(request, _("A cancelled meeting cannot be changed."))
        return redirect(meeting)
    announced = meeting.announced_at is not None
    # A copy: the form writes its input onto its instance, and the page header shows the stored.
    form = MeetingEditForm(request.POST or None, instance=copy.copy(meeting),
                           announced=announced)
    if request.method == "POST" and form.is_valid():
        notify = announced and form.cleaned_data.get("send_update", False)
        before = meeting.sequence
        try:
            meeting = services.meeting_update(actor=request.user, meeting=meeting,
                                              values=form.values(), notify=notify)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if meeting.sequence != before and notify:
                messages.success(request, _("The meeting has been changed; the update is "
                                            "being sent to the members."))
            elif meeting.sequence != before:
                messages.success(request, _("The meeting has been changed; no update was sent "
                                            "to the members."))
            else:
                messages.success(request, _("The meeting has been saved."))
            return redirect(meeting)
    words = request.GET.get("q", "").strip()[:100]
    found = links.search(request.user, words)
    agenda = list(meeting.agenda.select_related("theme", "initiative", "survey"))
    return render(request, "meetings/meeting_edit.html", {
        "meeting": meeting, "form": form, "agenda": agenda, "words": words, "found": found,
        "item_form": AgendaItemForm(links=found),
    }, status=400 if form.errors else 200)


@require_POST
@access(LOGGED_IN)
def agenda_add(request, pk):
    meeting = _meeting(request, pk)
    form = AgendaItemForm(request.POST, links=[(request.POST.get("link", ""), "")])
    if not form.is_valid():
        messages.error(request, _("Give the agenda item a title."))
        return redirect(_edit_url(request, meeting))
    link = links.resolve(request.user, form.cleaned_data["link"])
    services.agenda_add(actor=request.user, meeting=meeting, title=form.cleaned_data["title"],
                        link=link)
    messages.success(request, _("The agenda item has been added."))
    return redirect(_edit_url(request, meeting))


@require_POST
@access(LOGGED_IN)
def agenda_link(request, pk):
    """Links the item chosen in the form to the search result chosen beside it."""
    meeting = _meeting(request, pk)
    item_pk = request.POST.get("item", "")
    if not item_pk.isdigit():
        messages.error(request, _("Choose an agenda item."))
        return redirect(_edit_url(request, meeting))
    item = _item(meeting, int(item_pk))
    link = links.resolve(request.user, request.POST.get("link", "")[:50])
    services.agenda_link(actor=request.user, item=item, link=link)
    messages.success(request, _("The link of 「%(item)s」 has been saved.") % {"item": item.title})
    return redirect(_edit_url(request, meeting))


@require_POST
@access(LOGGED_IN)
def agenda_move(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = _item(meeting, item_pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        messages.error(request, _("The request was not understood."))
        return redirect(_edit_url(request, meeting))
    services.agenda_move(actor=request.user, item=item, up=direction == "up")
    return redirect(_edit_url(request, meeting))


@require_POST
@access(LOGGED_IN)
def agenda_remove(request, pk, item_pk):
    meeting = _meeting(request, pk)
    item = _item(meeting, item_pk)
    services.agenda_remove(actor=request.user, item=item)
    messages.success(request, _("「%(item)s」 has been removed from the agenda.")
                     % {"item": item.title})
    return redirect(_edit_url(request, meeting))
