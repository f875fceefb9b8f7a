"""Keeps the id sets an initiative carries for the catalogue's facets right: ``region_set``
(the regions its municipalities are in), ``method_set``, ``field_set`` and
``municipality_set`` (its methods, policy fields and municipalities), each as ",1,3,".
Written whenever its links change, or a municipality moves to another region; the catalogue
counts and filters by them from the row alone."""

from collections import defaultdict

from collaboration.models import Initiative

# Column → (the link field on the initiative, the id it holds through that link).
SETS = {
    "region_set": ("municipalities", "municipality__region_id"),
    "method_set": ("methods", "method_id"),
    "field_set": ("policy_fields", "policyfield_id"),
    "municipality_set": ("municipalities", "municipality_id"),
}
# Rows updated in one statement (SQLite allows few parameters per statement).
CHUNK = 900


def encode(ids) -> str:
    """",1,3," for 1 and 3: one is found in it by ",<id>,"; "" for none."""
    ids = sorted(set(ids))
    return f",{','.join(map(str, ids))}," if ids else ""


def decode(value: str) -> list[int]:
    return [int(part) for part in value.split(",") if part]


def computed(column: str, initiative_ids=None, *, model=Initiative) -> dict[int, str]:
    """Initiative id → its ``column`` from the link rows (``initiative_ids``: only these, a
    list or a query; None: every initiative). ``model``: the initiative model (a migration's)."""
    link, target = SETS[column]
    pairs = getattr(model, link).through.objects.all()
    if initiative_ids is not None:
        pairs = pairs.filter(initiative_id__in=initiative_ids)
    found = defaultdict(set)
    for initiative_id, target_id in pairs.values_list("initiative_id", target).distinct():
        found[initiative_id].add(target_id)
    return {initiative_id: encode(ids) for initiative_id, ids in found.items()}


def refresh(column: str, initiative_ids=None, *, model=Initiative) -> None:
    """Writes ``column`` of the given initiatives (None: all), one statement per distinct
    value and chunk."""
    found = computed(column, initiative_ids, model=model)
    rows = model.objects.all() if initiative_ids is None \
        else model.objects.filter(pk__in=initiative_ids)
    by_value = defaultdict(list)
    for pk, current in rows.values_list("pk", column):
        wanted = found.get(pk, "")
        if current != wanted:
            by_value[wanted].append(pk)
    for value, ids in by_value.items():
        for start in range(0, len(ids), CHUNK):
            model.objects.filter(pk__in=ids[start:start + CHUNK]).update(**{column: value})


def refresh_of(initiative: Initiative, links=None) -> None:
    """After the initiative's ``links`` (field names: municipalities, methods …; None: all)
    were set."""
    changed = {}
    for column, (link, _target) in SETS.items():
        if links is None or link in links:
            wanted = computed(column, [initiative.pk]).get(initiative.pk, "")
            if wanted != getattr(initiative, column):
                changed[column] = wanted
    if changed:
        Initiative.objects.filter(pk=initiative.pk).update(**changed)
        for column, value in changed.items():
            setattr(initiative, column, value)


def refresh_for_municipalities(municipality_ids) -> None:
    """After municipalities moved to another region: the initiatives they take part in."""
    from collaboration import facet_tally

    taking_part = Initiative.municipalities.through.objects.filter(
        municipality_id__in=list(municipality_ids)).values("initiative_id")
    refresh("region_set", taking_part)
    facet_tally.rebuild()  # their regions' counts too, in one pass rather than row by row
