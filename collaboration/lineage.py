"""横展開: where a model initiative came from and where it has spread."""

from django.utils.translation import gettext as _

from portal.lib.tilemap import build_tile_map

MAX_DEPTH = 10


def ancestors(initiative, visible) -> list:
    """The initiatives it was spread from, nearest first (only those the user may see)."""
    chain, current, seen = [], initiative, {initiative.pk}
    while current.spread_from_id and current.spread_from_id not in seen and len(chain) < MAX_DEPTH:
        current = visible.filter(pk=current.spread_from_id).first()
        if current is None:
            break
        seen.add(current.pk)
        chain.append(current)
    return chain


def descendants(initiative, visible) -> list:
    """Everything spread from it, level by level: one query per level, at most ten levels."""
    found, level, seen = [], [initiative.pk], {initiative.pk}
    for _depth in range(MAX_DEPTH):
        children = [child for child in visible.filter(spread_from__in=level)
                    .select_related("category").prefetch_related("municipalities")
                    if child.pk not in seen]
        if not children:
            break
        seen.update(child.pk for child in children)
        found += children
        level = [child.pk for child in children]
    return found


def adopters(initiative, spread) -> dict:
    """Municipality id → the initiative through which it took the model up."""
    adopted = {m.pk: initiative for m in initiative.municipalities.all()}
    for child in spread:
        for municipality in child.municipalities.all():
            adopted.setdefault(municipality.pk, child)
    return adopted


def spread_tile_map(initiative, municipalities, adopted: dict):
    def classify(municipality):
        through = adopted.get(municipality.pk)
        if through is None:
            return "tile--spread-none", _("not yet")
        if through.pk == initiative.pk:
            return "tile--spread-origin", _("model project")
        return "tile--spread-adopted", _("spread (横展開)")

    return build_tile_map(municipalities, title=_("Where %(title)s has spread")
                          % {"title": initiative.title}, classify=classify,
                          legend_order=["tile--spread-origin", "tile--spread-adopted",
                                        "tile--spread-none"])
