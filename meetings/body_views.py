"""Pages for running a body: its seats, the April rotation and its working teams."""

import datetime

from django import shortcuts
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib.japanese import wareki_date
from portal.lib.permissions import CHANGE, LOGGED_IN, access, get_object_or_404

from . import services
from .forms import EndSeatForm, ReplaceForm, SeatForm, TeamForm, next_rotation_day
from .models import Body, Membership


def _body(request, pk):
    """A body the user runs; anyone else is told it does not exist."""
    return get_object_or_404(request.user, CHANGE, Body.objects.select_related("parent"), pk=pk)


def _seat(body, seat_pk):
    # The body was looked up in the user's scope; a seat of another body is not found.
    return shortcuts.get_object_or_404(
        Membership.objects.select_related("user__organisation", "body"), body=body, pk=seat_pk)


def _open_seats(body):
    """Seats not yet ending: today's members and successors who start later."""
    return body.memberships.filter(ends_on__isnull=True).select_related(
        "user__organisation").order_by(
        "-is_chair", "-is_vice_chair", services.ORGANISATION_ORDER,
        "user__organisation__municipality__lg_code", "starts_on", "id")


def _rotation_page(request, body, *, seat_form=None, bound=None, status=200):
    day = next_rotation_day()
    rows = []
    for seat in _open_seats(body):
        if bound is not None and bound.prefix == f"s{seat.pk}":
            form = bound
        else:
            form = ReplaceForm(seat=seat, prefix=f"s{seat.pk}", initial={"on": day})
        rows.append((seat, form))
    return render(request, "meetings/rotation.html", {
        "body": body, "rows": rows, "day": day,
        "seat_form": seat_form or SeatForm(initial={"starts_on": timezone.localdate()}),
        "end_form": EndSeatForm(initial={"on": day - datetime.timedelta(days=1)}),
    }, status=status)


@access(LOGGED_IN)
def body_rotation(request, pk):
    """Every open seat of a body on one page, each with its hand-over form."""
    return _rotation_page(request, _body(request, pk))


@require_POST
@access(LOGGED_IN)
def membership_add(request, pk):
    body = _body(request, pk)
    form = SeatForm(request.POST)
    if form.is_valid():
        try:
            seat = services.membership_add(actor=request.user, body=body, **form.values())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("%(name)s has a seat from %(day)s.") % {
                "name": seat.label, "day": wareki_date(seat.starts_on)})
            return redirect("body_rotation", body.pk)
    return _rotation_page(request, body, seat_form=form, status=400)


@require_POST
@access(LOGGED_IN)
def membership_end(request, pk, seat_pk):
    body = _body(request, pk)
    seat = _seat(body, seat_pk)
    form = EndSeatForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the last day of the seat."))
        return redirect("body_rotation", body.pk)
    try:
        services.membership_end(actor=request.user, membership=seat, on=form.cleaned_data["on"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The seat of %(name)s ends on %(day)s.") % {
            "name": seat.label, "day": wareki_date(form.cleaned_data["on"])})
    return redirect("body_rotation", body.pk)


@require_POST
@access(LOGGED_IN)
def membership_replace(request, pk, seat_pk):
    body = _body(request, pk)
    seat = _seat(body, seat_pk)
    form = ReplaceForm(request.POST, seat=seat, prefix=f"s{seat.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            new = services.membership_replace(actor=request.user, membership=seat,
                                              successor=data["successor"], on=data["on"],
                                              title=data["title"])
        except ValidationError as error:
            # A message, not a form error: a seat already handed over is no longer listed.
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("%(old)s hands the seat over to %(new)s on %(day)s.") % {
                "old": seat.label, "new": new.label,
                "day": wareki_date(new.starts_on)})
            return redirect(reverse("body_rotation", args=[body.pk]) + f"#seat-{new.pk}")
    return _rotation_page(request, body, bound=form, status=400)


@access(LOGGED_IN)
def team_create(request, pk):
    parent = _body(request, pk)
    form = TeamForm(request.POST or None, initial={"starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team = services.team_create(
                actor=request.user, parent=parent, name=data["name"], theme=data["theme"],
                purpose=data["purpose"], starts_on=data["starts_on"], ends_on=data["ends_on"],
                members=[(user, data["member_title"]) for user in data["members"]])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The working team has been formed."))
            return redirect(team)
    return render(request, "meetings/team_form.html", {"parent": parent, "form": form},
                  status=400 if form.errors else 200)


@require_POST
@access(LOGGED_IN)
def team_close(request, pk):
    team = _body(request, pk)
    try:
        services.team_close(actor=request.user, team=team, on=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The working team is closed; its seats ended today."))
    return redirect(team)
