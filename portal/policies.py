"""Permission policies for the portal's own models."""

from .models import Municipality, Organisation, Region, StatisticValue, SubArea, User
from .permissions import VIEW, Policy, register


@register(Region, SubArea, Municipality, Organisation, StatisticValue)
class ReferenceDataPolicy(Policy):
    """Everyone logged in reads the reference data; prefecture staff maintain it."""

    def scope(self, user, action, queryset):
        return queryset if action == VIEW or user.is_prefecture else queryset.none()

    def can(self, user, action, obj):
        return action == VIEW or user.is_prefecture

    def can_create(self, user):
        return user.is_prefecture


@register(User)
class UserPolicy(Policy):
    """Prefecture staff manage accounts; everyone else sees only their own."""

    def scope(self, user, action, queryset):
        if user.is_prefecture:
            return queryset
        if action == VIEW:
            return queryset.filter(pk=user.pk)
        return queryset.none()

    def can(self, user, action, obj):
        return user.is_prefecture or (action == VIEW and obj.pk == user.pk)

    def can_create(self, user):
        return user.is_prefecture
