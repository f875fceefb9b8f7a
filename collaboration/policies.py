"""Who may see and change initiatives and themes."""

from django.db.models import Q

from portal.permissions import VIEW, Policy, register

from .models import Initiative, Theme


def _editable(user, queryset):
    if user.is_prefecture:
        return queryset
    participants = Initiative.municipalities.through.objects
    if user.scope_region is not None:
        region = user.scope_region
        in_region = participants.filter(municipality__region=region).values("initiative_id")
        return queryset.filter(Q(pk__in=in_region) | Q(lead_organisation__region=region))
    if user.scope_municipality is not None:
        mine = participants.filter(municipality=user.scope_municipality).values("initiative_id")
        return queryset.filter(Q(pk__in=mine) | Q(proposed_by=user))
    return queryset.none()


@register(Initiative)
class InitiativePolicy(Policy):
    """Published initiatives are read by everyone signed in; unpublished ones only by those
    who may edit them: prefecture staff, the liaison room of a region taking part, and the
    staff of a taking-part municipality."""

    def scope(self, user, action, queryset):
        editable = _editable(user, queryset)
        if action == VIEW:
            return queryset.filter(Q(is_published=True) | Q(pk__in=editable.values("pk")))
        return editable

    def can_create(self, user):
        return user.is_prefecture or user.scope_region is not None \
            or user.scope_municipality is not None


def can_publish(user, initiative: Initiative) -> bool:
    """Publishing is for prefecture staff and the liaison room of a region taking part."""
    if not (user.is_authenticated and user.is_active):
        return False
    if user.is_prefecture:
        return True
    return user.scope_region is not None and _editable(
        user, Initiative.objects.filter(pk=initiative.pk)).exists()


@register(Theme)
class ThemePolicy(Policy):
    def scope(self, user, action, queryset):
        return queryset if action == VIEW or user.is_prefecture else queryset.none()

    def can_create(self, user):
        return user.is_prefecture
