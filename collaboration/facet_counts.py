"""Every count of the catalogue's facets, and the number of results, in one query.

The filtered initiatives are read once (a common table expression, materialised by
PostgreSQL because it is referenced several times); each facet is a GROUP BY over it, or
over its join with a link table. On PostgreSQL the initiative's own columns are counted in
one pass with GROUPING SETS; SQLite, which has none, gets one GROUP BY per column."""

from collections import Counter

from django.db import connection

from .models import Initiative
from .services.participation import decode

# Facet → the initiative's column it groups by.
OWN_COLUMNS = {"category": "category_id", "status": "status", "funding": "funding",
               "scope": "scope", "model": "is_model", "year": "start_year",
               "region": "region_set"}
TOTAL = "total"


def _parse(facet: str, key: str | None):
    if facet in ("category", "year", "method", "field", "municipality"):
        return int(key)
    if facet == "model":
        return key in ("1", "true", "t", "True")
    return key


def _own_counts_sql() -> str:
    """(facet, key as text, count) for each column of ``r`` and the total."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        which = " ".join(f"WHEN GROUPING({quote(column)}) = 0 THEN '{facet}'"
                         for facet, column in OWN_COLUMNS.items())
        key = ", ".join(f"CAST({quote(column)} AS TEXT)" for column in OWN_COLUMNS.values())
        sets = ", ".join(f"({quote(column)})" for column in OWN_COLUMNS.values())
        return (f"SELECT CASE {which} ELSE '{TOTAL}' END, COALESCE({key}), COUNT(*) FROM r "
                f"GROUP BY GROUPING SETS ({sets}, ())")
    return " UNION ALL ".join(
        [f"SELECT '{facet}', CAST({quote(column)} AS TEXT), COUNT(*) FROM r "
         f"GROUP BY {quote(column)}" for facet, column in OWN_COLUMNS.items()]
        + [f"SELECT '{TOTAL}', NULL, COUNT(*) FROM r"])


def _link_counts_sql(whole: bool) -> str:
    """(facet, key as text, count) through the link tables. ``whole``: every initiative is
    in the result, so the links are counted without looking the initiatives up."""
    quote = connection.ops.quote_name
    methods = quote(Initiative.methods.through._meta.db_table)
    fields = quote(Initiative.policy_fields.through._meta.db_table)
    places = quote(Initiative.municipalities.through._meta.db_table)
    # "IN (SELECT id FROM r)" rather than a join: the planner bounds a semi-join by the link
    # table's rows, where a join with the expression guesses millions (and compiles it).
    chosen = "1 = 1" if whole else "l.initiative_id IN (SELECT id FROM r)"
    return " UNION ALL ".join([
        f"SELECT 'method', CAST(l.method_id AS TEXT), COUNT(*) FROM {methods} l "
        f"WHERE {chosen} GROUP BY l.method_id",
        f"SELECT 'field', CAST(l.policyfield_id AS TEXT), COUNT(*) FROM {fields} l "
        f"WHERE {chosen} GROUP BY l.policyfield_id",
        f"SELECT 'municipality', CAST(l.municipality_id AS TEXT), COUNT(*) FROM {places} l "
        f"WHERE {chosen} GROUP BY l.municipality_id",
    ])


def facet_counts(result) -> dict[str, Counter]:
    """Facet → Counter of value key → initiatives of ``result`` with it; ``total`` → {None:
    how many ``result`` holds}."""
    rows = result.order_by().values("id", *OWN_COLUMNS.values())
    inner, params = rows.query.sql_with_params()
    whole = not rows.query.where  # no condition: the whole catalogue
    sql = f"WITH r AS ({inner}) {_own_counts_sql()} UNION ALL {_link_counts_sql(whole)}"
    counts: dict[str, Counter] = {facet: Counter() for facet in
                                  (*OWN_COLUMNS, TOTAL, "method", "field", "region",
                                   "municipality")}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, key, n in cursor.fetchall():
            if facet == TOTAL:
                counts[TOTAL][None] = n
            elif facet == "region":  # a set of regions: each initiative counts once in each
                for region in decode(key or ""):
                    counts[facet][region] += n
            elif key is not None:
                counts[facet][_parse(facet, key)] += n
    return counts
