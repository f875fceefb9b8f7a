"""Who sees and runs which council, team and meeting."""

from django.db.models import Q

from portal.lib.permissions import CHANGE, COMMENT, VIEW, Policy, can, register

from .models import ActionItem, Attendance, Body, Meeting, Minutes


def managed_bodies(user) -> Q | None:
    """Prefecture staff run every body (None); a liaison room its regional body and its teams."""
    if user.is_prefecture:
        return None
    if user.scope_region is not None:
        regional = Q(kind=Body.Kind.REGIONAL, region=user.scope_region)
        return regional | Q(parent__kind=Body.Kind.REGIONAL, parent__region=user.scope_region)
    return Q(pk__in=[])


def _visible_bodies(user) -> Q | None:
    managed = managed_bodies(user)
    if managed is None:
        return None
    return managed | Q(memberships__user=user)


def _bodies(user, action):
    """The ids of the bodies ``user`` may see (VIEW) or run (any other action); None: all."""
    condition = _visible_bodies(user) if action == VIEW else managed_bodies(user)
    return None if condition is None else Body.objects.filter(condition).values("pk")


class _MemberPolicy(Policy):
    def cache_scope(self, user):
        # Below prefecture staff, a user's own seats (and action items) decide what is seen.
        return () if user.is_prefecture else ("member", user.pk)


@register(Body)
class BodyPolicy(_MemberPolicy):
    """Members see their bodies (a working team's papers stay within the team); prefecture
    staff run the council and everything, a liaison room its regional body."""

    def scope(self, user, action, queryset):
        bodies = _bodies(user, action)
        return queryset if bodies is None else queryset.filter(pk__in=bodies)

    def can_create(self, user):
        return user.is_prefecture


@register(Meeting)
class MeetingPolicy(_MemberPolicy):
    def scope(self, user, action, queryset):
        bodies = _bodies(user, action)
        return queryset if bodies is None else queryset.filter(body__in=bodies)

    def can_create(self, user):
        return user.is_prefecture or user.scope_region is not None


@register(ActionItem)
class ActionItemPolicy(_MemberPolicy):
    def scope(self, user, action, queryset):
        bodies = _bodies(user, action)
        if bodies is None:
            return queryset
        # Owners may see and close their own items, whoever runs the body.
        return queryset.filter(Q(meeting__body__in=bodies) | Q(owner=user))


@register(Minutes)
class MinutesPolicy(_MemberPolicy):
    """Minutes go with their meeting. Attendees (present or by proxy) and those running the
    body comment while the minutes are circulated."""

    actions = (COMMENT,)

    def scope(self, user, action, queryset):
        bodies = _bodies(user, action)
        return queryset if bodies is None else queryset.filter(meeting__body__in=bodies)

    def can(self, user, action, obj):
        if action == COMMENT:
            if obj.status != Minutes.Status.CIRCULATED:
                return False
            if can(user, CHANGE, obj.meeting):
                return True
            return Attendance.objects.filter(meeting=obj.meeting_id, membership__user=user,
                                             status__in=["present", "proxy"]).exists()
        return super().can(user, action, obj)
