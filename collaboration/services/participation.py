"""Keeps an initiative's ``region_set`` (the regions its municipalities are in) right whenever
who takes part changes, or a municipality moves to another region."""

from collections import defaultdict

from collaboration.models import Initiative

# Rows updated in one statement (SQLite allows few parameters per statement).
CHUNK = 900


def encode(region_ids) -> str:
    """",1,3," for regions 1 and 3: a region is found in it by ",<id>,"; "" for none."""
    ids = sorted(set(region_ids))
    return f",{','.join(map(str, ids))}," if ids else ""


def decode(region_set: str) -> list[int]:
    return [int(part) for part in region_set.split(",") if part]


def region_sets(initiative_ids=None, *, model=Initiative) -> dict[int, str]:
    """Initiative id → its ``region_set``, from the participation rows (``initiative_ids``:
    only these; None: every initiative). ``model``: the initiative model (a migration's)."""
    through = model.municipalities.through
    pairs = through.objects.all()
    if initiative_ids is not None:
        pairs = pairs.filter(initiative_id__in=initiative_ids)
    regions = defaultdict(set)
    for initiative_id, region_id in pairs.values_list("initiative_id",
                                                      "municipality__region_id").distinct():
        regions[initiative_id].add(region_id)
    return {initiative_id: encode(ids) for initiative_id, ids in regions.items()}


def refresh_regions(initiative_ids=None, *, model=Initiative) -> None:
    """Writes the ``region_set`` of the given initiatives (None: all), a statement per distinct
    value and chunk: there are few values (sets of four regions)."""
    found = region_sets(initiative_ids, model=model)
    rows = model.objects.all() if initiative_ids is None \
        else model.objects.filter(pk__in=initiative_ids)
    by_value = defaultdict(list)
    for pk, current in rows.values_list("pk", "region_set"):
        wanted = found.get(pk, "")
        if current != wanted:
            by_value[wanted].append(pk)
    for value, ids in by_value.items():
        for start in range(0, len(ids), CHUNK):
            model.objects.filter(pk__in=ids[start:start + CHUNK]).update(region_set=value)


def refresh_regions_of(initiative: Initiative) -> None:
    """After the initiative's participants were set."""
    wanted = region_sets([initiative.pk]).get(initiative.pk, "")
    if wanted != initiative.region_set:
        Initiative.objects.filter(pk=initiative.pk).update(region_set=wanted)
        initiative.region_set = wanted


def refresh_for_municipalities(municipality_ids) -> None:
    """After municipalities moved to another region: the initiatives they take part in."""
    taking_part = Initiative.municipalities.through.objects.filter(
        municipality_id__in=list(municipality_ids)).values("initiative_id")
    refresh_regions(taking_part)
