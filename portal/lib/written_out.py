"""Model instances from a statement written out, made as the ORM makes them.

For the small reads a page makes several of (a few rows, a join or two, an order), building
the ORM's query cost more than running it. A written-out read names its columns through
``Columns`` and makes its rows into instances with it: the same columns, converted as the
ORM converts them (JSON text, SQLite's booleans and decimals …), loaded as ``only()`` loads
them when only some are read."""

from functools import cache

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections


class Columns:
    """``model``'s columns ``names`` (attribute names; every concrete field when None) in
    the statement's table ``alias``: ``sql`` lists them, ``instance`` makes the values read
    into an instance."""

    def __init__(self, model, alias: str, names: tuple[str, ...] | None = None):
        db = connections[DEFAULT_DB_ALIAS]
        fields = [field for field in model._meta.concrete_fields
                  if names is None or field.attname in names]
        if names is not None and len(fields) != len(names):
            raise ValueError(f"{model.__name__} lacks one of the columns {names}")
        self.model, self.width = model, len(fields)
        self.names = [field.attname for field in fields]  # in the model's order, as from_db wants
        quote = db.ops.quote_name
        self.sql = ", ".join(f"{alias}.{quote(field.column)}" for field in fields)
        self._converting = []  # (position, converters, column) of the columns that have any
        for position, field in enumerate(fields):
            column = field.get_col(alias)
            converters = db.ops.get_db_converters(column) + field.get_db_converters(db)
            if converters:
                self._converting.append((position, converters, column))

    def instance(self, values):
        """The instance of ``values``, this reader's columns in their order (a sequence)."""
        values, db = list(values), connections[DEFAULT_DB_ALIAS]  # the thread's own
        for position, converters, column in self._converting:
            for converter in converters:
                values[position] = converter(values[position], column, db)
        return self.model.from_db(db.alias, self.names, values)

    def take(self, row, start: int = 0):
        """The instance of this reader's columns in ``row`` from ``start``, and where the next
        reader's columns start."""
        end = start + self.width
        return self.instance(row[start:end]), end


@cache
def _columns(model, alias: str, names: tuple[str, ...] | None, vendor: str) -> Columns:
    return Columns(model, alias, names)


def columns(model, alias: str, names: tuple[str, ...] | None = None) -> Columns:
    """``Columns(model, alias, names)``, worked out once per process (and database kind)."""
    return _columns(model, alias, names, connections[DEFAULT_DB_ALIAS].vendor)


def rows(sql: str, params=()) -> list[tuple]:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def within(visible, column: str) -> tuple[str, list] | None:
    """``AND column IN (…)`` of the ids in ``visible`` (a reader's scope), with its
    parameters, for a statement's WHERE: no condition where the scope holds every row, None
    where it holds none."""
    if not visible.query.where:
        return "", []
    try:
        inner, params = visible.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"AND {column} IN ({inner})", list(params)
