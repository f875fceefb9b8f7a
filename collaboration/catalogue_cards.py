"""What a card of the catalogue shows, read in one query: the page's rows as plain values.
Method, policy field and municipality names come from the facets' choices the page has
already read; an initiative's methods, fields and municipalities from the id sets kept on its
row (services.link_sets)."""

from dataclasses import dataclass

from .models import Initiative
from .services.link_sets import decode

COLUMNS = ("id", "title", "summary", "category__label", "status", "is_model", "is_published",
           "is_demo", "scope", "outside_prefecture", "start_year", "method_set", "field_set",
           "municipality_set")


@dataclass(frozen=True)
class Card:
    pk: int
    title: str
    summary: str
    category_label: str
    status: str
    is_model: bool
    is_published: bool
    is_demo: bool
    scope: str
    outside_prefecture: str
    start_year: int | None
    method_names: list[str]
    field_names: list[str]
    municipality_names: list[str]


def _in_order(choices) -> dict[int, tuple[int, str]]:
    """Key → (its place in the facet's order, its name), from ``facet_choices`` rows."""
    return {key: (place, name) for place, (key, _value, name) in enumerate(choices)}


def _names(ids, known: dict) -> list[str]:
    return [known[i][1] for i in sorted((i for i in ids if i in known), key=lambda i: known[i][0])]


def cards(page_rows, choices: dict) -> list[Card]:
    """The cards of ``page_rows`` (the page's slice of the result); ``choices``: facet param →
    its ``selectors.facet_choices`` rows, in the framework's order."""
    return _cards(list(page_rows.values(*COLUMNS)), choices)


def cards_of(ids: list[int], choices: dict) -> list[Card]:
    """The cards of the initiatives ``ids``, in that order: a page's ids read with the facet
    counts (``facet_counts.counts_and_page``), so from the result the reader may see."""
    place = {pk: n for n, pk in enumerate(ids)}
    rows = Initiative.objects.filter(pk__in=ids).values(*COLUMNS) if ids else []
    return _cards(sorted(rows, key=lambda row: place[row["id"]]), choices)


def _cards(rows: list[dict], choices: dict) -> list[Card]:
    methods, fields = _in_order(choices["method"]), _in_order(choices["field"])
    municipalities = _in_order(choices["municipality"])
    return [Card(row["id"], row["title"], row["summary"], row["category__label"], row["status"],
                 row["is_model"], row["is_published"], row["is_demo"], row["scope"],
                 row["outside_prefecture"], row["start_year"],
                 _names(decode(row["method_set"]), methods),
                 _names(decode(row["field_set"]), fields),
                 _names(decode(row["municipality_set"]), municipalities))
            for row in rows]
