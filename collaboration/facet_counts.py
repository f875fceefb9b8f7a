"""Every count of the catalogue's facets, and the number of results, in one query.

The filtered initiatives are read once (a common table expression); each facet is a GROUP BY
over it: its regions, methods and policy fields too, through the id sets kept on the row
(services.link_sets), so only the municipalities are counted over the participation rows. On
PostgreSQL the initiative's own columns are counted in one pass with GROUPING SETS; SQLite,
which has none, gets one GROUP BY per column."""

from collections import Counter

from django.db import connection

from .models import Initiative
from .services.link_sets import decode

# Facet → the initiative's column it groups by.
OWN_COLUMNS = {"category": "category_id", "status": "status", "funding": "funding",
               "scope": "scope", "model": "is_model", "year": "start_year",
               "region": "region_set", "method": "method_set", "field": "field_set"}
# Facets whose column holds a set of ids (services.link_sets): a row counts once for each.
SET_FACETS = ("region", "method", "field")
TOTAL = "total"


def _parse(facet: str, key: str | None):
    if facet in ("category", "year", "municipality"):
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


def _municipality_counts_sql(chosen: str | None) -> str:
    """(facet, key as text, count) through the participation rows of the initiatives the
    relation ``chosen`` (SQL) holds; None: every initiative, counted without looking them up."""
    places = connection.ops.quote_name(Initiative.municipalities.through._meta.db_table)
    if chosen is None:
        # One count per municipality over the (municipality, initiative) index: no hashing of
        # every participation row.
        towns = connection.ops.quote_name(
            Initiative.municipalities.field.related_model._meta.db_table)
        return (f"SELECT 'municipality', CAST(m.id AS TEXT), (SELECT COUNT(*) FROM {places} l "
                f"WHERE l.municipality_id = m.id) FROM {towns} m")
    # A semi-join with the initiatives' own query, not with ``r``: the planner estimates its
    # rows from the table's statistics (it guesses 200 for ``r`` and loops over an index),
    # and the semi-join is bounded by the link table's rows, where a join guesses millions.
    return (f"SELECT 'municipality', CAST(l.municipality_id AS TEXT), COUNT(*) FROM {places} l "
            f"WHERE l.initiative_id IN (SELECT id FROM {chosen}) GROUP BY l.municipality_id")


def _left_out_counts_sql(inner: str) -> str:
    """(facet, key as text, minus count) through the participation rows of the initiatives
    ``inner`` (their SQL) does not select, looked up one by one (OFFSET 0 keeps the lookup from
    becoming a join of every participation row)."""
    places = connection.ops.quote_name(Initiative.municipalities.through._meta.db_table)
    table = connection.ops.quote_name(Initiative._meta.db_table)
    return (f"SELECT 'municipality', CAST(l.municipality_id AS TEXT), -COUNT(*) FROM {table} i "
            f"CROSS JOIN LATERAL (SELECT p.municipality_id FROM {places} p "
            f"WHERE p.initiative_id = i.id OFFSET 0) l "
            f"WHERE NOT EXISTS (SELECT 1 FROM ({inner}) c WHERE c.id = i.id) "
            f"GROUP BY l.municipality_id")


def facet_counts(result, *, searched: bool = False, broad: bool = False) -> dict[str, Counter]:
    """Facet → Counter of value key → initiatives of ``result`` with it; ``total`` → {None:
    how many ``result`` holds}. ``searched``: ``result`` is a text search, dearer to select
    than to keep, so it is selected once for both kinds of count. ``broad``: ``result`` is
    most of the catalogue (the reader's scope, nothing else), so its municipalities are
    counted as every initiative's less those of the few it leaves out."""
    rows = result.order_by().values("id", *OWN_COLUMNS.values())
    inner, params = rows.query.sql_with_params()
    whole = not rows.query.where  # no condition: the whole catalogue
    if whole:
        sql = (f"WITH r AS ({inner}) {_own_counts_sql()} UNION ALL "
               f"{_municipality_counts_sql(None)}")
    elif searched:
        # Kept, not inlined in each part: a search of half the catalogue read twice costs more
        # than the two counts running side by side save.
        kept = "MATERIALIZED " if connection.vendor == "postgresql" else ""
        sql = (f"WITH r AS {kept}({inner}) {_own_counts_sql()} UNION ALL "
               f"{_municipality_counts_sql('r')}")
    elif broad and connection.vendor == "postgresql":  # SQLite has no LATERAL
        sql = (f"WITH r AS ({inner}) {_own_counts_sql()} UNION ALL "
               f"{_municipality_counts_sql(None)} UNION ALL {_left_out_counts_sql(inner)}")
        params = (*params, *params)
    else:
        sql = (f"WITH r AS ({inner}) {_own_counts_sql()} UNION ALL "
               f"{_municipality_counts_sql(f'({inner}) c')}")
        params = (*params, *params)
    counts: dict[str, Counter] = {facet: Counter() for facet in
                                  (*OWN_COLUMNS, TOTAL, "municipality")}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, key, n in cursor.fetchall():
            if facet == TOTAL:
                counts[TOTAL][None] = n
            elif facet in SET_FACETS:
                for one in decode(key or ""):
                    counts[facet][one] += n
            elif key is not None:
                counts[facet][_parse(facet, key)] += n
    # A municipality no initiative (of ``result``) takes part in has no count.
    counts["municipality"] = +counts["municipality"]
    return counts
