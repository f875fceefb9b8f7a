"""Writes on collaboration themes: propose or create, edit, move along the path, link
initiatives. Views call these; the survey results create themes from a shared need through
``surveys.services.theme_from_need``."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from collaboration.models import Initiative, PolicyField, Theme, ThemeStatusChange
from collaboration.policies import KEEP_THEMES
from portal.lib import permissions
from portal.models import Region


@transaction.atomic
def theme_create(*, actor, title: str, description: str = "",
                 policy_fields: list[PolicyField] | tuple = (), region: Region | None = None
                 ) -> Theme:
    """A new theme. Prefecture staff create themes for any region or the whole prefecture;
    a liaison room proposes one for its own region, as a candidate (候補)."""
    if not permissions.can_create(actor, Theme):
        raise PermissionDenied
    if not permissions.can(actor, KEEP_THEMES, Theme):
        region = actor.scope_region  # a proposal, for the liaison room's own region
    theme = Theme(title=title, description=description, region=region, proposed_by=actor,
                  status=Theme.Status.CANDIDATE)
    theme.full_clean()
    theme.save()
    theme.policy_fields.set(policy_fields)
    return theme


@transaction.atomic
def theme_update(*, actor, theme: Theme, title: str, description: str,
                 policy_fields: list[PolicyField] | tuple, region: Region | None) -> Theme:
    """Changes what a theme is about; its status moves only through ``theme_change_status``."""
    if not permissions.can(actor, permissions.CHANGE, theme):
        raise PermissionDenied
    theme.title, theme.description, theme.region = title, description, region
    theme.full_clean()
    theme.save(update_fields=["title", "description", "region"])
    theme.policy_fields.set(policy_fields)
    return theme


@transaction.atomic
def theme_change_status(*, actor, theme: Theme, status: str, note: str,
                        changed_on: datetime.date | None = None) -> ThemeStatusChange:
    """Moves the theme to ``status`` and records the step with its date and note. The date
    may be earlier than today (a council's decision entered afterwards) but not in the
    future, nor before the theme existed."""
    if not permissions.can(actor, permissions.CHANGE, theme):
        raise PermissionDenied
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    today = timezone.localdate()
    changed_on = changed_on or today
    if status not in Theme.Status.values:
        raise ValidationError({"status": _("Choose a status.")})
    if status == theme.status:
        raise ValidationError({"status": _("The theme already has this status.")})
    if not note.strip():
        raise ValidationError({"note": _("Write what was decided or why the status changes.")})
    if changed_on > today:
        raise ValidationError({"changed_on": _("The date cannot be in the future.")})
    if changed_on < timezone.localdate(theme.created_at):
        raise ValidationError({"changed_on": _("The date cannot come before the theme was "
                                               "created.")})
    change = ThemeStatusChange.objects.create(
        theme=theme, from_status=theme.status, to_status=status, changed_on=changed_on,
        note=note.strip(), changed_by=actor)
    theme.status = status
    theme.closed_at = timezone.now() if status == Theme.Status.DECLINED else None
    theme.save(update_fields=["status", "closed_at"])
    return change


def theme_link_initiative(*, actor, theme: Theme, initiative: Initiative) -> None:
    """Records that ``initiative`` came of the theme; linking twice changes nothing. The
    initiative must be one the actor can see."""
    if not permissions.can(actor, permissions.CHANGE, theme):
        raise PermissionDenied
    if not permissions.can(actor, permissions.VIEW, initiative):
        raise PermissionDenied
    theme.initiatives.add(initiative)


def theme_unlink_initiative(*, actor, theme: Theme, initiative: Initiative) -> None:
    """Removes the link between the theme and ``initiative``; the initiative stays."""
    if not permissions.can(actor, permissions.CHANGE, theme):
        raise PermissionDenied
    theme.initiatives.remove(initiative)
