"""The councils and teams a municipality sits on, on its page and in its profile."""

from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from portal.lib.permissions import VIEW, scope
from portal.lib.sections import Section, municipality_section

from .models import Body, Membership

# What the section shows of a seat and its body.
SHOWN_FIELDS = ("title", "is_chair", "is_vice_chair", "body__name", "body__kind")


@municipality_section(topics=("meetings", "reference"), reads=(Body,))
def councils(user, municipality):
    today = timezone.localdate()
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    # The seats with their bodies in one query, bodies in their own order (kind, region,
    # name), each body's seats in theirs.
    seats = Membership.objects.filter(current, user__organisation__municipality=municipality)
    visible = scope(user, VIEW, Body.objects.all())
    if visible.query.where:  # who sees every body needs no condition on them
        seats = seats.filter(body__in=visible)
    seats = seats.select_related("body").only(*SHOWN_FIELDS).order_by(
        "body__kind", "body__region__sort_order", "body__name", "body_id",
        *Membership._meta.ordering)
    bodies, seats_of = {}, defaultdict(list)
    for seat in seats:
        bodies.setdefault(seat.body_id, seat.body)
        seats_of[seat.body_id].append(seat)
    for pk, body in bodies.items():
        body.seats = seats_of[pk]
    if not bodies:
        return None
    return Section("meetings/_municipality_councils.html", {"bodies": list(bodies.values())})
