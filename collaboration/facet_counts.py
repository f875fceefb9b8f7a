"""Every count of the catalogue's facets, and the number of results, in one query.

The filtered initiatives are read once (a common table expression); each facet is a GROUP BY
over it: its regions, methods and policy fields too, through the id sets kept on the row
(services.link_sets), so only the municipalities are counted over the participation rows. On
PostgreSQL the initiative's own columns are counted in one pass with GROUPING SETS; SQLite,
which has none, gets one GROUP BY per column. The whole catalogue, or a reader's whole scope,
is read from the counts kept as initiatives change (collaboration.facet_tally), with only the
unpublished initiatives the reader sees counted on the spot."""

from collections import Counter

from django.db import connection

from .models import FacetTally, Initiative
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


def _municipality_counts_sql(chosen: str) -> str:
    """(facet, key as text, count) through the participation rows of the initiatives the
    relation ``chosen`` (SQL) holds."""
    places = connection.ops.quote_name(Initiative.municipalities.through._meta.db_table)
    # A semi-join with the initiatives' own query, not with ``r``: the planner estimates its
    # rows from the table's statistics (it guesses 200 for ``r`` and loops over an index),
    # and the semi-join is bounded by the link table's rows, where a join guesses millions.
    return (f"SELECT 'municipality', CAST(l.municipality_id AS TEXT), COUNT(*) FROM {places} l "
            f"WHERE l.initiative_id IN (SELECT id FROM {chosen}) GROUP BY l.municipality_id")


def _tally_sql(*, published_only: bool) -> str:
    """(facet, key, count) of the kept tally: the published initiatives', or every one's (a
    value then comes twice, published and not, and the counts add up)."""
    quote = connection.ops.quote_name
    return (f"SELECT facet, {quote('key')}, initiatives FROM "
            f"{quote(FacetTally._meta.db_table)}"
            + (" WHERE published = %s" if published_only else ""))


def facet_counts(result, *, searched: bool = False, broad: bool = False) -> dict[str, Counter]:
    """Facet → Counter of value key → initiatives of ``result`` with it; ``total`` → {None:
    how many ``result`` holds}. ``searched``: ``result`` is a text search, dearer to select
    than to keep, so it is selected once for both kinds of count. ``broad``: ``result`` is
    the reader's whole scope, nothing else, so it holds every published initiative (everyone
    who may read any reads those): the published ones are read from the kept tally
    (collaboration.facet_tally) and only the unpublished ones it holds are counted."""
    rows = result.order_by().values("id", *OWN_COLUMNS.values())
    if not rows.query.where:  # the whole catalogue: the tally says it all
        sql, params = _tally_sql(published_only=False), ()
    elif broad:  # the tally, and what the reader sees of the rest
        inner, params = rows.filter(is_published=False).query.sql_with_params()
        sql = (f"WITH r AS ({inner}) {_own_counts_sql()} UNION ALL "
               f"{_municipality_counts_sql(f'({inner}) c')} UNION ALL "
               f"{_tally_sql(published_only=True)}")
        params = (*params, *params, True)
    elif searched:
        inner, params = rows.query.sql_with_params()
        # Kept, not inlined in each part: a search of half the catalogue read twice costs more
        # than the two counts running side by side save.
        kept = "MATERIALIZED " if connection.vendor == "postgresql" else ""
        sql = (f"WITH r AS {kept}({inner}) {_own_counts_sql()} UNION ALL "
               f"{_municipality_counts_sql('r')}")
    else:
        inner, params = rows.query.sql_with_params()
        sql = (f"WITH r AS ({inner}) {_own_counts_sql()} UNION ALL "
               f"{_municipality_counts_sql(f'({inner}) c')}")
        params = (*params, *params)
    counts: dict[str, Counter] = {facet: Counter() for facet in
                                  (*OWN_COLUMNS, TOTAL, "municipality")}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, key, n in cursor.fetchall():
            if facet not in counts:  # the tally's other counts (facet_tally.STARTED)
                continue
            if facet == TOTAL:
                counts[TOTAL][None] += n
            elif facet in SET_FACETS:
                for one in decode(key or ""):
                    counts[facet][one] += n
            elif key is not None:
                counts[facet][_parse(facet, key)] += n
    counts[TOTAL][None] += 0  # none at all is a count too
    # A value no initiative (of ``result``) has has no count.
    for facet in counts:
        if facet != TOTAL:
            counts[facet] = +counts[facet]
    return counts
