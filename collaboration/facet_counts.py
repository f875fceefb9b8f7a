"""Every count of the catalogue's facets, and the number of results, in one query.

The filtered initiatives are read once (a common table expression) and grouped by each facet's
column, their regions, methods and policy fields too, through the id sets kept on the row
(services.link_sets). Their municipalities are not counted over the participation rows
either: the sets kept on the rows are joined into one text in the same pass and counted in
Python. On PostgreSQL the columns are counted in one pass with GROUPING SETS; SQLite, which
has none, gets one GROUP BY per column. The whole catalogue, or a reader's whole scope, is
read from the counts kept as initiatives change (collaboration.facet_tally), with only the
unpublished initiatives the reader sees counted on the spot."""

from collections import Counter
from dataclasses import dataclass

from django.db import connection

from .facet_tally import STARTED
from .models import FacetTally, Initiative
from .services.link_sets import decode

# Facet → the initiative's column it groups by.
OWN_COLUMNS = {"category": "category_id", "status": "status", "funding": "funding",
               "scope": "scope", "model": "is_model", "year": "start_year",
               "region": "region_set", "method": "method_set", "field": "field_set"}
# Facet → the initiative's id set (services.link_sets) whose values are joined, not grouped:
# nearly every initiative has a set of municipalities of its own, so grouping by it gave a
# row per initiative (3,266 for a search of half the catalogue, 16 ms of Python to add up).
JOINED_COLUMNS = {"municipality": "municipality_set"}
# Facets whose column holds a set of ids (services.link_sets): a row counts once for each.
SET_FACETS = ("region", "method", "field", *JOINED_COLUMNS)
TOTAL = "total"
PAGE = "page"  # the row of a page's ids (``counts_and_page``)


def _parse(facet: str, key: str | None):
    if facet in ("category", "year"):
        return int(key)
    if facet == "model":
        return key in ("1", "true", "t", "True")
    return key


def _own_counts_sql() -> str:
    """(facet, key as text, count, then each joined set column's values joined, on the total's
    row only) for each column of ``r`` and the total."""
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        which = " ".join(f"WHEN GROUPING({quote(column)}) = 0 THEN '{facet}'"
                         for facet, column in OWN_COLUMNS.items())
        key = ", ".join(f"CAST({quote(column)} AS TEXT)" for column in OWN_COLUMNS.values())
        # The joined sets are aggregated once, with the total: in a grouping set of their
        # own, every set aggregated them (a quarter of the query for half the catalogue).
        joined = "".join(f", STRING_AGG({quote(column)}, '')"
                         for column in JOINED_COLUMNS.values())
        sets = ", ".join(f"({quote(column)})" for column in OWN_COLUMNS.values())
        return (f"SELECT CASE {which} END, COALESCE({key}), COUNT(*)"
                f"{', NULL' * len(JOINED_COLUMNS)} FROM r GROUP BY GROUPING SETS ({sets}) "
                f"UNION ALL SELECT '{TOTAL}', NULL, COUNT(*){joined} FROM r")
    blanks = ", NULL" * len(JOINED_COLUMNS)
    joined = "".join(f", GROUP_CONCAT({quote(column)}, '')"
                     for column in JOINED_COLUMNS.values())
    return " UNION ALL ".join(
        [f"SELECT '{facet}', CAST({quote(column)} AS TEXT), COUNT(*){blanks} FROM r "
         f"GROUP BY {quote(column)}" for facet, column in OWN_COLUMNS.items()]
        + [f"SELECT '{TOTAL}', NULL, COUNT(*){joined} FROM r"])


def _tally_sql(*, published_only: bool) -> str:
    """(facet, key, count) of the kept tally: the published initiatives', or every one's (a
    value then comes twice, published and not, and the counts add up)."""
    quote = connection.ops.quote_name
    # The tally also keeps the dashboard's trend (facet_tally.STARTED), not a facet.
    return (f"SELECT facet, {quote('key')}, initiatives{', NULL' * len(JOINED_COLUMNS)} FROM "
            f"{quote(FacetTally._meta.db_table)} WHERE facet <> '{STARTED}'"
            + (" AND published = %s" if published_only else ""))


@dataclass(frozen=True)
class PageSlice:
    """A page of the result: its order (``order_by`` fields), first row and length."""

    ordering: tuple[str, ...]
    offset: int
    limit: int

    @property
    def sort_fields(self) -> list[str]:
        """The fields it sorts by besides the id, each once."""
        return sorted({name.lstrip("-") for name in self.ordering} - {"id"})


def _page_sql(page: PageSlice) -> str:
    """The page's ids, in order, from ``r`` (already read for the counts): a search's rows are
    scattered over the table, and reading them again only to sort them for a page of 20 cost
    as much as counting them (4 ms at the decade data set, 39 ms at ten times it)."""
    quote = connection.ops.quote_name
    order = ", ".join(f"{quote(Initiative._meta.get_field(name.lstrip('-')).column)}"
                      f"{' DESC' if name.startswith('-') else ''}" for name in page.ordering)
    columns = "".join(f", {quote(Initiative._meta.get_field(name).column)}"
                      for name in page.sort_fields)
    return (f" UNION ALL SELECT '{PAGE}', STRING_AGG(CAST(p.{quote('id')} AS TEXT), ',' "
            f"ORDER BY {order}), COUNT(*){', NULL' * len(JOINED_COLUMNS)} FROM (SELECT "
            f"{quote('id')}{columns} FROM r ORDER BY {order} LIMIT %s OFFSET %s) p")


def facet_counts(result, *, searched: bool = False, broad: bool = False) -> dict[str, Counter]:
    """Facet → Counter of value key → initiatives of ``result`` with it; ``total`` → {None:
    how many ``result`` holds}. See ``counts_and_page``."""
    return counts_and_page(result, searched=searched, broad=broad)[0]


def counts_and_page(result, *, searched: bool = False, broad: bool = False,
                    page: PageSlice | None = None) -> tuple[dict[str, Counter], list[int] | None]:
    """``facet_counts``, and with ``page`` the ids of that page of ``result`` in order where
    the counts read its rows anyway (a filter or search on PostgreSQL), else None.

    ``result`` is selected once, a text search (``searched``) like any other filter.
    ``broad``: ``result`` is the reader's whole scope, nothing else, so it holds every
    published initiative (everyone who may read any reads those): the published ones are
    read from the kept tally (collaboration.facet_tally) and only the unpublished ones it
    holds are counted."""
    counted = (*OWN_COLUMNS.values(), *JOINED_COLUMNS.values())
    rows = result.order_by().values(*counted)
    page_ids = None
    if not rows.query.where:  # the whole catalogue: the tally says it all
        sql, params = _tally_sql(published_only=False), ()
    elif broad:  # the tally, and what the reader sees of the rest
        inner, params = rows.filter(is_published=False).query.sql_with_params()
        sql = (f"WITH r AS ({inner}) {_own_counts_sql()} UNION ALL "
               f"{_tally_sql(published_only=True)}")
        params = (*params, True)
    elif page is not None and connection.vendor == "postgresql":
        inner, params = result.order_by().values(
            "id", *page.sort_fields, *counted).query.sql_with_params()
        sql = f"WITH r AS ({inner}) {_own_counts_sql()}{_page_sql(page)}"
        params = (*params, page.limit, page.offset)
    else:
        inner, params = rows.query.sql_with_params()
        sql = f"WITH r AS ({inner}) {_own_counts_sql()}"
    counts: dict[str, Counter] = {facet: Counter() for facet in
                                  (*OWN_COLUMNS, *JOINED_COLUMNS, TOTAL)}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for facet, key, n, *joined in cursor.fetchall():
            if facet == PAGE:
                page_ids = [int(pk) for pk in key.split(",")] if key else []
            elif facet == TOTAL:
                counts[TOTAL][None] += n
                for joined_facet, sets in zip(JOINED_COLUMNS, joined, strict=True):
                    _add_joined(counts[joined_facet], sets or "")
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
    return counts, page_ids


def _add_joined(counter: Counter, sets: str) -> None:
    """Counts each id of ``sets``, id sets (",1,3,") written one after another: split and
    counted at once, in C."""
    for one, n in Counter(sets.split(",")).items():
        if one:
            counter[int(one)] += n
