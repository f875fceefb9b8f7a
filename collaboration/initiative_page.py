"""What an initiative's page lists of its links: its methods, policy fields, other bodies and
themes, and the initiatives spread from it, read in one query (they were five); and the
municipalities, each with whether it takes part."""

import functools
from dataclasses import dataclass

from django.core.exceptions import EmptyResultSet
from django.db import connection

from portal.lib.links import by_pk
from portal.models import Municipality

from .models import Initiative, Method, PolicyField, Theme


@dataclass(frozen=True)
class SpreadTo:
    title: str
    url: str


@dataclass(frozen=True)
class Links:
    methods: list[Method]
    policy_fields: list[PolicyField]
    other_bodies: list[str]  # their names
    themes: list[str]  # their titles
    spread_to: list[SpreadTo]  # of those ``visible``


def _order(model, alias: str) -> str:
    """``ORDER BY`` of ``model``'s own ordering, its columns on table ``alias``."""
    quote = connection.ops.quote_name
    return ", ".join(f"{alias}.{quote(model._meta.get_field(f.lstrip('-')).column)}"
                     f"{' DESC' if f.startswith('-') else ''}" for f in model._meta.ordering)


def _linked(kind: str, link, name: str) -> str:
    """(kind, pk, name, rank) of the rows linked to the initiative by the many-to-many field
    ``link`` (on either side); ``rank``: the row's place in their model's order, counted by the
    database, so the rows come out as the model's own query would have returned them."""
    quote = connection.ops.quote_name
    ours_first = link.model is Initiative
    model = link.related_model if ours_first else link.model
    ours, theirs = ((link.m2m_column_name(), link.m2m_reverse_name()) if ours_first
                    else (link.m2m_reverse_name(), link.m2m_column_name()))
    order = _order(model, "r")
    pk = quote(model._meta.pk.column)
    return (f"SELECT '{kind}', r.{pk}, r.{quote(name)}, ROW_NUMBER() OVER (ORDER BY {order}) "
            f"FROM {quote(model._meta.db_table)} r "
            f"JOIN {quote(link.remote_field.through._meta.db_table)} t "
            f"ON t.{quote(theirs)} = r.{pk} WHERE t.{quote(ours)} = %s")


def links_of(initiative, visible) -> Links:
    """The four kinds of links written out (their SQL is the same for every page), and the
    initiatives spread from it that ``visible`` holds, by that scope's query of their ids."""
    # Only the scope's ids come from the ORM (a window and a constant took it twice as long
    # to build); their rows are ranked as ``_linked`` ranks its own.
    spread = visible.filter(spread_from=initiative).order_by().values("pk")
    parts = [_linked("method", Initiative.methods.field, "name"),
             _linked("field", Initiative.policy_fields.field, "name"),
             _linked("body", Initiative.other_bodies.field, "name"),
             _linked("theme", Theme.initiatives.field, "title")]
    params = [initiative.pk] * len(parts)
    try:
        spread_sql, spread_params = spread.query.sql_with_params()
    except EmptyResultSet:  # a scope that holds nothing: no part for it
        pass
    else:
        quote = connection.ops.quote_name
        pk, title = (quote(Initiative._meta.get_field(name).column) for name in ("id", "title"))
        parts.append(f"SELECT 'spread', r.{pk}, r.{title}, ROW_NUMBER() OVER "
                     f"(ORDER BY {_order(Initiative, 'r')}) "
                     f"FROM {quote(Initiative._meta.db_table)} r WHERE r.{pk} IN ({spread_sql})")
        params.extend(spread_params)
    rows = {"method": [], "field": [], "body": [], "theme": [], "spread": []}
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        for kind, pk, name, rank in cursor.fetchall():
            rows[kind].append((rank, pk, name))
    for found in rows.values():
        found.sort()
    page_of = by_pk("initiative_detail")
    return Links(
        methods=[Method(pk=pk, name=name) for _rank, pk, name in rows["method"]],
        policy_fields=[PolicyField(pk=pk, name=name) for _rank, pk, name in rows["field"]],
        other_bodies=[name for _rank, _pk, name in rows["body"]],
        themes=[title for _rank, _pk, title in rows["theme"]],
        spread_to=[SpreadTo(title, page_of(pk)) for _rank, pk, title in rows["spread"]],
    )


_MUNICIPALITY_FIELDS = [f.attname for f in Municipality._meta.concrete_fields]


@functools.cache
def _taking_part_sql() -> str:
    quote = connection.ops.quote_name
    through = Initiative.municipalities.through._meta
    columns = ", ".join(f"m.{quote(f.column)}" for f in Municipality._meta.concrete_fields)
    return (f"SELECT {columns}, EXISTS(SELECT 1 FROM {quote(through.db_table)} t "
            f"WHERE t.{quote(through.get_field('initiative').column)} = %s "
            f"AND t.{quote(through.get_field('municipality').column)} = m."
            f"{quote(Municipality._meta.pk.column)}) "
            f"FROM {quote(Municipality._meta.db_table)} m ORDER BY {_order(Municipality, 'm')}")


def municipalities_of(initiative) -> list[Municipality]:
    """Every municipality in their order, each with ``taking_part``: whether it takes part in
    ``initiative``. Written out: the ORM built its query (an ``Exists``) in twice the time
    the rows took."""
    with connection.cursor() as cursor:
        cursor.execute(_taking_part_sql(), [initiative.pk])
        rows = cursor.fetchall()
    found = []
    for *values, taking_part in rows:
        municipality = Municipality.from_db(connection.alias, _MUNICIPALITY_FIELDS, values)
        municipality.taking_part = bool(taking_part)
        found.append(municipality)
    return found
