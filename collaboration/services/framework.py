"""Edits to the policy's framework: axes, categories, collaboration methods, policy fields."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from portal.lib import permissions


@transaction.atomic
def framework_item_save(*, actor, form):
    """Saves a framework form (new or changed item) for prefecture staff; the audit trail and
    the catalogue's cache follow from the models' change signals."""
    item = form.instance
    allowed = permissions.can_create(actor, type(item)) if item.pk is None else \
        permissions.can(actor, permissions.CHANGE, item)
    if not allowed:
        raise PermissionDenied
    return form.save()
