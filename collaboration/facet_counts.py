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

from . import catalogue_cards
from .facet_tally import STARTED
from .models import FacetTally, Initiative
from .services.link_sets import decode

# Facet → the initiative's column it groups by.
OWN_COLUMNS = {"category": "category_id", "status": "status", "funding": "funding",
               "scope": "scope", "model": "is_model", "year": "start_year",
               "region": "region_set", "method": "method_set", "field": "field_set"}
# The facets grouped together: columns of few values share a grouping set (a few hundred
# rows at most, added up in Python), as each set is one more hash of every row read: for half
# the catalogue, nine sets took 8.5 ms and five 7.3.
GROUPED = (("category", "year"), ("status", "funding", "scope", "model"), ("region",),
           ("method",), ("field",))
WIDEST = max(len(group) for group in GROUPED)
_GROUP_OF = {group[0]: group for group in GROUPED}  # a row of a set is named by its first
# Facet → the initiative's id set (services.link_sets) whose values are joined, not grouped:
# nearly every initiative has a set of municipalities of its own, so grouping by it gave a
# row per initiative (3,266 for a search of half the catalogue, 16 ms of Python to add up).
JOINED_COLUMNS = {"municipality": "municipality_set"}
# Facets whose column holds a set of ids (services.link_sets): a row counts once for each.
SET_FACETS = ("region", "method", "field", *JOINED_COLUMNS)
TOTAL = "total"
PAGE = "page"  # the row of a page's cards (``counts_and_page``)


def _parse(facet: str, key: str | None):
    if facet in ("category", "year"):
        return int(key)
    if facet == "model":
        return key in ("1", "true", "t", "True")
    return key


def _keys(group: tuple[str, ...]) -> str:
    """The group's columns as text, then NULLs up to ``WIDEST``: every row has as many keys."""
    quote = connection.ops.quote_name
    return ", ".join([*(f"CAST({quote(OWN_COLUMNS[facet])} AS TEXT)" for facet in group),
                      *["NULL"] * (WIDEST - len(group))])


def _blanks(keys: int) -> str:
    return ", NULL" * keys


def _own_counts_sql() -> str:
    """(the group's first facet, count, each joined set column's values joined on the total's
    row only, then the group's keys as text: ``WIDEST`` of them) for each group of columns of
    ``r`` (``GROUPED``) and the total."""
    quote = connection.ops.quote_name
    joined_by = "STRING_AGG" if connection.vendor == "postgresql" else "GROUP_CONCAT"
    joined = "".join(f", {joined_by}({quote(column)}, '')" for column in JOINED_COLUMNS.values())
    total = (f"SELECT '{TOTAL}', COUNT(*){joined}{_blanks(WIDEST)} FROM r")
    if connection.vendor == "postgresql":
        which = " ".join(f"WHEN GROUPING({quote(OWN_COLUMNS[group[0]])}) = 0 THEN '{group[0]}'"
                         for group in GROUPED)
        # The n-th key of a row is the n-th column of its grouping set.
        keys = ", ".join(
            "CASE " + " ".join(f"WHEN GROUPING({quote(OWN_COLUMNS[group[0]])}) = 0 THEN "
                               f"CAST({quote(OWN_COLUMNS[group[n]])} AS TEXT)"
                               for group in GROUPED if len(group) > n) + " END"
            for n in range(WIDEST))
        sets = ", ".join("(" + ", ".join(quote(OWN_COLUMNS[facet]) for facet in group) + ")"
                         for group in GROUPED)
        # The joined sets are aggregated once, with the total: in a grouping set of their
        # own, every set aggregated them (a quarter of the query for half the catalogue).
        return (f"SELECT CASE {which} END, COUNT(*){_blanks(len(JOINED_COLUMNS))}, {keys} "
                f"FROM r GROUP BY GROUPING SETS ({sets}) UNION ALL {total}")
    group_by = [", ".join(quote(OWN_COLUMNS[facet]) for facet in group) for group in GROUPED]
    return " UNION ALL ".join(
        [f"SELECT '{group[0]}', COUNT(*){_blanks(len(JOINED_COLUMNS))}, {_keys(group)} FROM r "
         f"GROUP BY {columns}" for group, columns in zip(GROUPED, group_by, strict=True)]
        + [total])


def _tally_sql(*, published_only: bool) -> str:
    """(facet, count, the joined sets' NULLs, key, NULLs) of the kept tally, as
    ``_own_counts_sql``'s rows: the published initiatives', or every one's (a value then comes
    twice, published and not, and the counts add up)."""
    quote = connection.ops.quote_name
    # The tally also keeps the dashboard's trend (facet_tally.STARTED), not a facet.
    return (f"SELECT facet, initiatives{_blanks(len(JOINED_COLUMNS))}, {quote('key')}"
            f"{_blanks(WIDEST - 1)} FROM "
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
    """The page's card rows (``catalogue_cards.rows_sql``), in order, from ``r`` (already read
    for the counts): a search's rows are scattered over the table, and reading them again
    only to sort them for a page of 20 cost as much as counting them (4 ms at the decade data
    set, 39 ms at ten times it); the cards' own query after it, 2 ms of a search's 25."""
    quote = connection.ops.quote_name

    def order(alias: str = "") -> str:
        return ", ".join(f"{alias}{quote(Initiative._meta.get_field(name.lstrip('-')).column)}"
                         f"{' DESC' if name.startswith('-') else ''}" for name in page.ordering)

    columns = "".join(f", {quote(Initiative._meta.get_field(name).column)}"
                      for name in page.sort_fields)
    rows, joined = catalogue_cards.rows_sql("p", order("p."))
    return (f" UNION ALL SELECT '{PAGE}', COUNT(*){_blanks(len(JOINED_COLUMNS))}, "
            f"{rows}{_blanks(WIDEST - 1)} FROM (SELECT {quote('id')}{columns} FROM r "
            f"ORDER BY {order()} LIMIT %s OFFSET %s) p {joined}")


def facet_counts(result, *, searched: bool = False, broad: bool = False) -> dict[str, Counter]:
    """Facet → Counter of value key → initiatives of ``result`` with it; ``total`` → {None:
    how many ``result`` holds}. See ``counts_and_page``."""
    return counts_and_page(result, searched=searched, broad=broad)[0]


def counts_and_page(result, *, searched: bool = False, broad: bool = False,
                    page: PageSlice | None = None) -> tuple[dict[str, Counter], str | None]:
    """``facet_counts``, and with ``page`` the card rows of that page of ``result`` in order
    (``catalogue_cards.rows_sql``'s JSON, for ``catalogue_cards.cards_of``) where the counts
    read its rows anyway (a filter or search on PostgreSQL), else None.

    ``result`` is selected once, a text search (``searched``) like any other filter.
    ``broad``: ``result`` is the reader's whole scope, nothing else, so it holds every
    published initiative (everyone who may read any reads those): the published ones are
    read from the kept tally (collaboration.facet_tally) and only the unpublished ones it
    holds are counted."""
    counted = (*OWN_COLUMNS.values(), *JOINED_COLUMNS.values())
    rows = result.order_by().values(*counted)
    page_rows = None
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
    joined_width = len(JOINED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for name, n, *rest in cursor.fetchall():
            joined, keys = rest[:joined_width], rest[joined_width:]
            if name == PAGE:
                page_rows = keys[0]
            elif name == TOTAL:
                counts[TOTAL][None] += n
                for joined_facet, sets in zip(JOINED_COLUMNS, joined, strict=True):
                    _add_joined(counts[joined_facet], sets or "")
            else:
                # A grouping set's row, or a tally's row of one facet.
                for facet, key in zip(_GROUP_OF.get(name, (name,)), keys, strict=False):
                    if facet in SET_FACETS:
                        for one in decode(key or ""):
                            counts[facet][one] += n
                    elif key is not None:
                        counts[facet][_parse(facet, key)] += n
    counts[TOTAL][None] += 0  # none at all is a count too
    # A value no initiative (of ``result``) has has no count.
    for facet in counts:
        if facet != TOTAL:
            counts[facet] = +counts[facet]
    return counts, page_rows


def _add_joined(counter: Counter, sets: str) -> None:
    """Counts each id of ``sets``, id sets (",1,3,") written one after another: split and
    counted at once, in C."""
    for one, n in Counter(sets.split(",")).items():
        if one:
            counter[int(one)] += n
