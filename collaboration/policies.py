"""Who may see and change initiatives and themes."""

from django.db.models import Q

from portal import public_site
from portal.lib.permissions import CHANGE, PUBLISH, VIEW, Policy, register
from portal.models import User

from .models import (
    Axis,
    Category,
    Initiative,
    Method,
    PolicyField,
    SynonymGroup,
    Theme,
    ThemeStatusChange,
)

# Decided for the models as a whole: the annual report, the framework and the dictionary's
# pages, and keeping themes (any region, moving them along) rather than proposing them.
MAKE_ANNUAL_REPORT, EDIT_FRAMEWORK, KEEP_THEMES = "make_annual_report", "edit_framework", \
    "keep_themes"


def _editable(user) -> Q | None:
    """The initiatives ``user`` may edit, as a condition; None means all of them."""
    if user.is_prefecture:
        return None
    participants = Initiative.municipalities.through.objects
    if user.scope_region is not None:
        region = user.scope_region
        in_region = participants.filter(municipality__region=region).values("initiative_id")
        return Q(pk__in=in_region) | Q(lead_organisation__region=region)
    if user.scope_municipality is not None:
        mine = participants.filter(municipality=user.scope_municipality).values("initiative_id")
        return Q(pk__in=mine) | Q(proposed_by=user)
    return Q(pk__in=[])


@register(Initiative)
class InitiativePolicy(Policy):
    """Published initiatives are read by everyone signed in; unpublished ones only by those
    who may edit them: prefecture staff, the liaison room of a region taking part, and the
    staff of a taking-part municipality. Publishing is for prefecture staff and the liaison
    room of a region taking part, i.e. a liaison room that may edit it. The annual report over
    the initiatives one sees is for prefecture staff and liaison rooms."""

    actions = (PUBLISH, MAKE_ANNUAL_REPORT)

    def can_model(self, user, action):
        return action == MAKE_ANNUAL_REPORT and (user.is_prefecture
                                                 or user.scope_region is not None)

    def scope(self, user, action, queryset):
        editable = _editable(user)
        if editable is None:
            return queryset
        # One flat condition, so PostgreSQL checks it row by row without a nested scan.
        return queryset.filter(Q(is_published=True) | editable if action == VIEW else editable)

    def public_scope(self, queryset):
        from portal import public_site

        return queryset.filter(is_published=True) if public_site.is_on() else queryset.none()

    def can(self, user, action, obj):
        if action == PUBLISH:
            if user.is_prefecture:
                return True
            return user.scope_region is not None and super().can(user, CHANGE, obj)
        if action == MAKE_ANNUAL_REPORT:
            return self.can_model(user, action)
        if _editable(user) is None:  # prefecture staff: every stored initiative, no query
            return obj.pk is not None
        return super().can(user, action, obj)

    def can_create(self, user):
        return user.is_prefecture or user.scope_region is not None \
            or user.scope_municipality is not None

    def cache_scope(self, user):
        # Municipal staff also see and edit their own proposals (``proposed_by`` above); a
        # user who has none is decided like every colleague of the municipality.

        if user.is_prefecture or user.role != User.Role.MUNICIPAL or not user.organisation_id:
            return ()
        if not hasattr(user, "_has_proposals"):
            user._has_proposals = Initiative.objects.filter(proposed_by=user).exists()
        return ("proposer", user.pk) if user._has_proposals else ()


@register(Axis, Category, Method, PolicyField, SynonymGroup)
class FrameworkPolicy(Policy):
    """The framework and the synonym dictionary are read by everyone signed in and kept by
    prefecture staff; while the public site is on, anonymous visitors read the framework (not
    the dictionary, which is the staff's tool)."""

    actions = (EDIT_FRAMEWORK,)

    def can_model(self, user, action):
        return action == EDIT_FRAMEWORK and user.is_prefecture

    def public_scope(self, queryset):
        if queryset.model is SynonymGroup or not public_site.is_on():
            return queryset.none()
        return queryset

    def scope(self, user, action, queryset):
        return queryset if action == VIEW or user.is_prefecture else queryset.none()

    def can(self, user, action, obj):
        return action == VIEW or user.is_prefecture

    def can_create(self, user):
        return user.is_prefecture


def themes_part_of(user) -> Q | None:
    """The themes ``user`` sees, as a condition; None means all of them.

    A liaison room sees the prefecture-wide themes and those of its region: proposed for it,
    born of a need its municipalities chose, led to an initiative there, or worked on by a
    body of the region. A municipality sees the themes it is part of: its need was a source,
    it takes part in an initiative that came of it, or its staff sit on the theme's working
    team or council."""
    if user.is_prefecture:
        return None
    links = Theme.initiatives.through.objects
    participants = Initiative.municipalities.through.objects
    if user.scope_region is not None:
        region = user.scope_region
        initiatives = participants.filter(municipality__region=region).values("initiative_id")
        return (Q(region__isnull=True) | Q(region=region)
                | Q(pk__in=Theme.objects.filter(source__municipalities__region=region)
                    .values("pk"))
                | Q(pk__in=links.filter(initiative__in=initiatives).values("theme_id"))
                | Q(pk__in=Theme.objects.filter(Q(bodies__region=region)
                                                | Q(bodies__parent__region=region))
                    .values("pk")))
    if user.scope_municipality is not None:
        municipality = user.scope_municipality
        initiatives = participants.filter(municipality=municipality).values("initiative_id")
        return (Q(pk__in=Theme.objects.filter(source__municipalities=municipality).values("pk"))
                | Q(pk__in=links.filter(initiative__in=initiatives).values("theme_id"))
                | Q(pk__in=Theme.objects.filter(
                    bodies__memberships__user__organisation=user.organisation_id).values("pk")))
    return Q(pk__in=[])


@register(Theme, ThemeStatusChange)
class ThemePolicy(Policy):
    """Prefecture staff keep every theme: create, edit, move along its path, link initiatives.
    A liaison room proposes themes for its region and sees its region's; a municipality sees
    the themes it is part of (``themes_part_of``). Only prefecture staff change a theme, and
    only they keep themes as such (``KEEP_THEMES``: a theme for any region or the whole
    prefecture; a liaison room's new theme is a proposal for its own region)."""

    actions = (KEEP_THEMES,)

    def can_model(self, user, action):
        return action == KEEP_THEMES and user.is_prefecture

    def can(self, user, action, obj):
        if action == KEEP_THEMES:
            return self.can_model(user, action)
        return super().can(user, action, obj)

    def scope(self, user, action, queryset):
        if user.is_prefecture:
            return queryset
        if action != VIEW:
            return queryset.none()
        condition = themes_part_of(user)
        if queryset.model is Theme:
            return queryset.filter(condition)
        return queryset.filter(theme__in=Theme.objects.filter(condition).values("pk"))

    def can_create(self, user):
        return user.is_prefecture or user.scope_region is not None
