"""What a card of the catalogue shows, read in one query: the page's rows as plain values.
Method, policy field and municipality names come from the facets' choices the page has
already read; an initiative's methods, fields and municipalities from the id sets kept on its
row (services.link_sets)."""

import json
from dataclasses import dataclass

from django.db import connection

from .models import Category, Initiative
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


def rows_sql(alias: str, order: str) -> tuple[str, str]:
    """(a JSON array of the cards' rows, each an array of ``COLUMNS``, in ``order``; the joins
    to read them by) for the initiatives whose ids the ``id`` column of the subquery ``alias``
    holds, on PostgreSQL: a page's rows read in the facet counts'
    statement (``facet_counts.counts_and_page``), not by a query of their own after it."""
    quote = connection.ops.quote_name
    columns = ", ".join(
        f"k.{quote(Category._meta.get_field('label').column)}" if name == "category__label"
        else f"i.{quote(Initiative._meta.get_field(name).column)}" for name in COLUMNS)
    joined = (f"JOIN {quote(Initiative._meta.db_table)} i ON i.{quote('id')} = {alias}.id "
              f"JOIN {quote(Category._meta.db_table)} k ON k.{quote('id')} = "
              f"i.{quote(Initiative._meta.get_field('category').column)}")
    return (f"COALESCE(CAST(JSON_AGG(JSON_BUILD_ARRAY({columns}) ORDER BY {order}) AS TEXT), "
            "'[]')"), joined


def cards_of(rows_json: str, choices: dict) -> list[Card]:
    """The cards of the rows ``rows_sql`` read, its JSON."""
    return _cards([dict(zip(COLUMNS, row, strict=True)) for row in json.loads(rows_json)],
                  choices)


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
