"""Writes to the synonym dictionary (同義語辞書); its starter groups for the policy's fields."""

import json

from django.core.exceptions import PermissionDenied
from django.db import transaction

from collaboration.models import SynonymGroup
from collaboration.services.reference import REFERENCE_DIR
from portal.lib import permissions


def _allowed(actor, group: SynonymGroup) -> bool:
    if group.pk is None:
        return permissions.can_create(actor, SynonymGroup)
    return permissions.can(actor, permissions.CHANGE, group)


@transaction.atomic
def synonym_group_save(*, actor, group: SynonymGroup, words: list[str]) -> SynonymGroup:
    """Saves a group of words for prefecture staff (new or changed); the audit trail and the
    search pages' cache follow from the model's change signals."""
    if not _allowed(actor, group):
        raise PermissionDenied
    group.words = list(words)
    group.save()
    return group


@transaction.atomic
def synonym_group_delete(*, actor, group: SynonymGroup) -> None:
    """Removes a group for prefecture staff; searches for its words find only those again."""
    if not permissions.can(actor, permissions.CHANGE, group):
        raise PermissionDenied
    group.delete()


def starter_groups() -> list[list[str]]:
    """The groups the portal ships with (added once, by a migration; staff keep them after)."""
    return json.loads((REFERENCE_DIR / "synonyms.json").read_text(encoding="utf-8"))["groups"]
