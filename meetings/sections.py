"""The councils and teams a municipality sits on, on its page and in its profile."""

from django.db.models import Prefetch, Q
from django.utils import timezone

from portal.lib.permissions import VIEW, scope
from portal.lib.sections import Section, municipality_section

from .models import Body, Membership


@municipality_section(topics=("meetings", "reference"), reads=(Body,))
def councils(user, municipality):
    today = timezone.localdate()
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    seats = Membership.objects.filter(current, user__organisation__municipality=municipality)
    bodies = list(scope(user, VIEW, Body.objects.filter(
        pk__in=seats.values("body_id"))).select_related("region").prefetch_related(
        Prefetch("memberships", seats.select_related("user"), to_attr="seats")))
    if not bodies:
        return None
    return Section("meetings/_municipality_councils.html", {"bodies": bodies})
