"""Reads for the catalogue, always inside the user's scope."""

import functools
from collections import Counter
from dataclasses import dataclass

from django.db import connection
from django.db.models import Prefetch

from portal.lib.japanese import fiscal_year_label
from portal.lib.permissions import VIEW, scope
from portal.models import Municipality, Region

from .facet_tally import started_counts
from .filters import NO_FUNDING
from .models import Category, Initiative, Method, PolicyField

LIST_RELATED = ("category", "lead_organisation")
# What pages about initiatives show: the initiatives, their framework and who takes part.
TOPICS = ("initiatives", "reference")


def visible_initiatives(user):
    return scope(user, VIEW, Initiative.objects.all())


def public_initiatives():
    """What the public site, the open data and the API show, whoever asks: the initiatives an
    anonymous visitor may see (published ones, while the public site is on)."""
    from django.contrib.auth.models import AnonymousUser

    return scope(AnonymousUser(), VIEW, Initiative.objects.all())


def with_row_fields(queryset):
    """An initiative's own columns and those of its category and lead, without long texts."""
    return queryset.select_related(*LIST_RELATED).defer(
        "body", "outcomes", "indicators", "search_text")


def with_list_details(queryset):
    """What a row of the catalogue shows, loaded in a fixed number of queries, as plain lists
    (``method_list``, ``field_list``, ``municipality_list``): a card reads them without a
    related manager built for each."""
    return with_row_fields(queryset).prefetch_related(
        Prefetch("methods", queryset=Method.objects.order_by("sort_order"),
                 to_attr="method_list"),
        Prefetch("policy_fields", queryset=PolicyField.objects.order_by("sort_order"),
                 to_attr="field_list"),
        Prefetch("municipalities", queryset=Municipality.objects.all(),
                 to_attr="municipality_list"),
    )


@dataclass(frozen=True)
class FacetValue:
    param: str
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass(frozen=True)
class Facet:
    param: str
    label: str
    values: list[FacetValue]


def facets(counts: dict[str, Counter], labels, active: dict) -> list[Facet]:
    """The facets with their counts (``facet_counts.facet_counts`` of the current result), so
    a count is the number of rows one gets by clicking it."""
    outside = counts["scope"][Initiative.Scope.OUTSIDE]
    by = {**counts, "location": Counter({"in": counts["total"][None] - outside, "out": outside})}
    return [
        Facet(param, label, [FacetValue(param, value, text, by[param][key],
                                        active.get(param) == value)
                             for key, value, text in choices if by[param][key]])
        for param, label, choices in labels
    ]


# (kind, model, its columns for pk, code, label, name and order; None: a blank or 0).
_REFERENCE_PARTS = (
    ("region", Region, ("id", "code", None, "name", "sort_order")),
    ("category", Category, ("id", "code", "label", "name", "sort_order")),
    ("method", Method, ("id", None, None, "name", "sort_order")),
    ("field", PolicyField, ("id", None, None, "name", "sort_order")),
    ("municipality", Municipality, ("id", "lg_code", None, "name", None)),
)


@functools.cache
def _reference_sql(vendor: str) -> str:
    """The facets' reference rows as one statement, written out once: the ORM took longer to
    build its five-part union than the database to answer it."""
    quote = connection.ops.quote_name

    def column(model, name, blank="''"):
        return quote(model._meta.get_field(name).column) if name else blank

    return " UNION ALL ".join(
        f"SELECT '{kind}', {column(model, pk)}, {column(model, code)}, {column(model, label)}, "
        f"{column(model, name)}, {column(model, order, '0')} FROM "
        f"{quote(model._meta.db_table)}"
        for kind, model, (pk, code, label, name, order) in _REFERENCE_PARTS)


def _reference_rows() -> dict[str, list[tuple]]:
    """The facets' regions, categories, methods, policy fields and municipalities as (pk,
    code, label, name) in their models' order, read in one query (they were five)."""
    rows = {kind: [] for kind, _model, _columns in _REFERENCE_PARTS}
    with connection.cursor() as cursor:
        cursor.execute(_reference_sql(connection.vendor))
        for kind, *row in cursor.fetchall():
            rows[kind].append(row)
    # Each model's order (sort_order then id; municipalities by 団体コード), as its own query
    # would have returned them: numbers and ASCII codes, so no collation is involved.
    for kind, found in rows.items():
        found.sort(key=(lambda r: r[1]) if kind == "municipality" else (lambda r: (r[4], r[0])))
    return {kind: [tuple(row[:4]) for row in found] for kind, found in rows.items()}


def facet_choices():
    """(param, label, [(key in counts, value in URL, text)]) for every facet, in order."""
    from django.utils.translation import gettext as _

    known = _reference_rows()
    return [
        ("region", _("Region"), [(pk, code, name) for pk, code, _label, name in known["region"]]),
        ("category", _("Category"), [(pk, code, f"{label} {name}")
                                     for pk, code, label, name in known["category"]]),
        ("method", _("Collaboration method"), [(pk, str(pk), name)
                                               for pk, _code, _label, name in known["method"]]),
        ("field", _("Policy field"), [(pk, str(pk), name)
                                      for pk, _code, _label, name in known["field"]]),
        ("status", _("Status"), [(v, v, label) for v, label in Initiative.Status.choices]),
        ("funding", _("Funding"), [(v, v or NO_FUNDING, label)
                                   for v, label in Initiative.Funding.choices]),
        ("location", _("Inside or outside Yamagata"),
         [("in", "in", _("inside Yamagata")), ("out", "out", _("outside Yamagata"))]),
        ("model", _("Model projects"), [(True, "true", _("model projects"))]),
        ("municipality", _("Municipality"), [(pk, code, name) for pk, code, _label, name
                                             in known["municipality"]]),
    ]


def year_facet(counts: dict[str, Counter], active: dict) -> Facet:
    from django.utils.translation import gettext as _

    return Facet("year", _("First fiscal year"),
                 [FacetValue("year", str(year), fiscal_year_label(year), n,
                             active.get("year") == str(year))
                  for year, n in sorted(counts["year"].items(), reverse=True) if n])


TREND_YEARS = 10


def start_year_trend(visible, last_year: int | None = None, *, whole_scope: bool = False
                     ) -> dict:
    """Initiatives started in each of the ten fiscal years up to ``last_year`` (by default the
    latest year any started in), by category: the years, (category, counts) rows and totals.
    ``whole_scope``: ``visible`` is a reader's whole scope, read from the kept tally."""
    counts = started_counts(visible, whole_scope=whole_scope)
    if last_year is None:
        last_year = max((year for year, _category in counts), default=None)
        if last_year is None:
            return {"years": [], "rows": [], "totals": []}
    years = list(range(last_year - TREND_YEARS + 1, last_year + 1))
    categories = list(Category.objects.all())
    return {
        "years": years,
        "rows": [(c, [counts.get((y, c.pk), 0) for y in years]) for c in categories],
        "totals": [sum(counts.get((y, c.pk), 0) for c in categories) for y in years],
    }
