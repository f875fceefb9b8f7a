"""The catalogue's facet counts of every initiative, kept in ``FacetTally`` as initiatives
change, published and unpublished apart: the whole catalogue's facets (the page most visitors
open first) read the tally instead of grouping every initiative by nine columns, and add
only the unpublished initiatives a reader sees (collaboration.facet_counts).

An initiative is counted once under each value it has: its category, status, funding, scope,
whether it is a model project, its first fiscal year, and each region, method, policy field
and municipality it takes part with; ``total`` counts it once. ``started`` (its first fiscal
year and category together) is the dashboard's trend (``started_counts``). ``FacetCounted``
keeps what it was counted with, so a change takes out the old values and adds the new
ones."""

from collections import Counter

from django.db import transaction
from django.db.models import Count, F, Q
from django.db.models.signals import m2m_changed, post_save, pre_delete

from portal.models import Municipality

from .models import FacetCounted, FacetTally, Initiative

TOTAL = "total"
STARTED = "started"
# Link table → (the facet it gives, its column naming the linked row).
LINKS = {
    "municipality": (Initiative.municipalities.through, "municipality_id"),
    "method": (Initiative.methods.through, "method_id"),
    "field": (Initiative.policy_fields.through, "policyfield_id"),
}
CHUNK = 2000


def _token(facet: str, key) -> str:
    return f"{facet}={key}"


def _keys(initiative_ids) -> dict[int, tuple[bool, frozenset]]:
    """Initiative id → (published, the facet values it is counted with) for these ids (a
    list; None: every initiative)."""
    rows = Initiative.objects.order_by()
    if initiative_ids is not None:
        rows = rows.filter(pk__in=initiative_ids)
    found: dict[int, tuple[bool, set]] = {}
    for pk, published, category, status, funding, scope, is_model, year in rows.values_list(
            "pk", "is_published", "category_id", "status", "funding", "scope", "is_model",
            "start_year"):
        tokens = {_token(TOTAL, ""), _token("category", category), _token("status", status),
                  _token("funding", funding), _token("scope", scope),
                  _token("model", "true" if is_model else "false")}
        if year is not None:
            tokens |= {_token("year", year), _token(STARTED, f"{year}:{category}")}
        found[pk] = (published, tokens)
    region_of = dict(Municipality.objects.values_list("pk", "region_id"))
    for facet, (through, column) in LINKS.items():
        links = through.objects.order_by()
        if initiative_ids is not None:
            links = links.filter(initiative_id__in=initiative_ids)
        for initiative_id, linked in links.values_list("initiative_id", column):
            tokens = found.get(initiative_id)
            if tokens is None:
                continue
            tokens[1].add(_token(facet, linked))
            if facet == "municipality":
                tokens[1].add(_token("region", region_of[linked]))
    return {pk: (published, frozenset(tokens)) for pk, (published, tokens) in found.items()}


def _encode(tokens) -> str:
    # Each token on a line of its own, the first and last too: one is found by "\n<token>\n".
    return "\n" + "\n".join(sorted(tokens)) + "\n"


def _decode(text: str) -> frozenset:
    return frozenset(line for line in text.split("\n") if line)


def _shift(tokens, by: int, published: bool) -> None:
    if not tokens:
        return
    rows = [tuple(token.split("=", 1)) for token in sorted(tokens)]
    if by > 0:  # a value never counted before gets its row first
        FacetTally.objects.bulk_create(
            [FacetTally(published=published, facet=facet, key=key) for facet, key in rows],
            ignore_conflicts=True)
    which = Q()
    for facet, key in rows:
        which |= Q(facet=facet, key=key)
    # Locked in one order, so two initiatives saved at once cannot wait on each other.
    ids = list(FacetTally.objects.select_for_update().filter(which, published=published)
               .order_by("facet", "key").values_list("pk", flat=True))
    FacetTally.objects.filter(pk__in=ids).update(initiatives=F("initiatives") + by)


def refresh(initiative_id: int, *, removed: bool = False) -> None:
    """Brings ``FacetTally`` in step with one initiative as it now is (``removed``: as if it
    were gone). Running it again changes nothing."""
    with transaction.atomic():
        now = None if removed else _keys([initiative_id]).get(initiative_id)
        counted = FacetCounted.objects.select_for_update().filter(
            initiative_id=initiative_id).first()
        before = None if counted is None else (counted.published, _decode(counted.keys))
        if now == before:
            return
        if before is not None and now is not None and before[0] == now[0]:
            _shift(now[1] - before[1], +1, now[0])
            _shift(before[1] - now[1], -1, now[0])
        else:
            if before is not None:
                _shift(before[1], -1, before[0])
            if now is not None:
                _shift(now[1], +1, now[0])
        if now is None:
            FacetCounted.objects.filter(initiative_id=initiative_id).delete()
        else:
            FacetCounted.objects.update_or_create(
                initiative_id=initiative_id,
                defaults={"published": now[0], "keys": _encode(now[1])})


def rebuild() -> int:
    """``FacetTally`` counted afresh from every initiative, after writes that bypass the
    signals (bulk loads, municipalities moved to another region); the values counted."""
    keys = _keys(None)
    tally: Counter = Counter()
    for published, tokens in keys.values():
        tally.update((published, token) for token in tokens)
    with transaction.atomic():
        FacetCounted.objects.all().delete()
        FacetTally.objects.all().delete()
        FacetTally.objects.bulk_create(
            [FacetTally(published=published, facet=token.split("=", 1)[0],
                        key=token.split("=", 1)[1], initiatives=n)
             for (published, token), n in sorted(tally.items())], batch_size=CHUNK)
        FacetCounted.objects.bulk_create(
            [FacetCounted(initiative_id=pk, published=published, keys=_encode(tokens))
             for pk, (published, tokens) in keys.items()], batch_size=CHUNK)
    return len(tally)


def started_counts(visible, *, whole_scope: bool = False) -> Counter:
    """(first fiscal year, category id) → how many initiatives of ``visible`` started then.
    Every initiative reads the tally; a reader's whole scope (``whole_scope``: it holds every
    published initiative, as ``selectors.visible_initiatives`` does) reads the published ones'
    and counts its unpublished ones; anything else is counted on the spot."""
    tally = FacetTally.objects.filter(facet=STARTED, initiatives__gt=0)
    counts: Counter = Counter()
    if not visible.query.where:
        kept = tally
    elif whole_scope:
        kept, visible = tally.filter(published=True), visible.filter(is_published=False)
    else:
        kept = tally.none()
    for key, n in kept.values_list("key", "initiatives"):
        year, category = key.split(":")
        counts[(int(year), int(category))] += n
    if visible.query.where:
        counts.update({(year, category): n for year, category, n in visible.order_by().exclude(
            start_year=None).values_list("start_year", "category").annotate(n=Count("id"))})
    return counts


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(instance.pk)


def _removed(sender, instance, **kwargs):
    refresh(instance.pk, removed=True)


def _links_changed(facet):
    def changed(sender, instance, action, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        if not reverse:
            refresh(instance.pk)
            return
        # A method, field or municipality whose initiatives changed; cleared, those it was
        # counted with.
        ids = pk_set if pk_set is not None else FacetCounted.objects.filter(
            keys__contains=f"\n{_token(facet, instance.pk)}\n").values_list(
            "initiative_id", flat=True)
        for initiative_id in sorted(ids):
            refresh(initiative_id)
    return changed


_receivers = {facet: _links_changed(facet) for facet in LINKS}


def connect() -> None:
    post_save.connect(_saved, sender=Initiative, dispatch_uid="facet-tally-saved")
    pre_delete.connect(_removed, sender=Initiative, dispatch_uid="facet-tally-removed")
    for facet, (through, _column) in LINKS.items():
        m2m_changed.connect(_receivers[facet], sender=through,
                            dispatch_uid=f"facet-tally-{facet}")

