"""Writes on initiatives: create, update, publish. Views and imports call these."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from collaboration.models import Initiative
from collaboration.search import search_text
from collaboration.services import link_sets
from portal.lib import audit, permissions

M2M_FIELDS = ("methods", "policy_fields", "municipalities", "other_bodies")


def search_parts(initiative: Initiative, relations: dict | None = None) -> list[str]:
    """Everything anyone may type to find the initiative (the contact person is found by the
    signed-in only: ``search_text(private=…)``). Links given in ``relations`` (field name →
    objects) are taken from there, the others read from the database."""
    def linked(name):
        if relations is not None and name in relations:
            return relations[name]
        return getattr(initiative, name).all() if initiative.pk else []

    parts = [initiative.title, initiative.summary, initiative.body, initiative.outcomes,
             initiative.indicators, initiative.outside_prefecture,
             str(initiative.category.label), initiative.category.name]
    if initiative.lead_organisation_id:
        parts.append(initiative.lead_organisation.name)
    parts += [method.name for method in linked("methods")]
    parts += [field.name for field in linked("policy_fields")]
    parts += [f"{m.name} {m.kana}" for m in linked("municipalities")]
    parts += [body.name for body in linked("other_bodies")]
    return parts


def refresh_search(initiative: Initiative, relations: dict | None = None) -> None:
    text = search_text(*search_parts(initiative, relations), private=initiative.contact)
    Initiative.objects.filter(pk=initiative.pk).update(search_text=text)
    initiative.search_text = text


def save_with_relations(initiative: Initiative, relations: dict) -> Initiative:
    initiative.full_clean(exclude=["search_text"])
    initiative.save()
    for name in M2M_FIELDS:
        if name in relations:
            getattr(initiative, name).set(relations[name])
    link_sets.refresh_of(initiative, relations.keys())
    refresh_search(initiative, relations)
    return initiative


@transaction.atomic
def initiative_create(*, actor, values: dict, relations: dict) -> Initiative:
    """A new initiative, unpublished until someone who may publish it does so (see
    ``initiative_publish``). Municipal staff propose: their municipality takes part."""
    if not permissions.can_create(actor, Initiative):
        raise PermissionDenied
    initiative = Initiative(**values, proposed_by=actor, is_published=False)
    if actor.scope_municipality is not None:
        relations = {**relations, "municipalities": {*relations.get("municipalities", ()),
                                                     actor.scope_municipality}}
    return save_with_relations(initiative, relations)


@transaction.atomic
def initiative_update(*, actor, initiative: Initiative, values: dict,
                      relations: dict) -> Initiative:
    """Changes the initiative's content; publishing is a separate step."""
    if not permissions.can(actor, permissions.CHANGE, initiative):
        raise PermissionDenied
    for name, value in values.items():
        if name != "is_published":
            setattr(initiative, name, value)
    return save_with_relations(initiative, relations)


@transaction.atomic
def initiative_publish(*, actor, initiative: Initiative, published: bool = True) -> Initiative:
    if not permissions.can(actor, permissions.PUBLISH, initiative):
        raise PermissionDenied
    if initiative.is_published != published:
        initiative.is_published = published
        fields = ["is_published", "updated_at"]
        if published:
            initiative.published_at = timezone.now()
            fields.append("published_at")
        initiative.save(update_fields=fields)
        if published:
            audit.record(initiative, audit.Action.PUBLISH)
    return initiative
