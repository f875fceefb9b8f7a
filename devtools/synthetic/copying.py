"""Rows written in bulk: PostgreSQL's COPY where the database is PostgreSQL (several times
faster than multi-row INSERTs for millions of rows), bulk_create elsewhere."""

from collections.abc import Iterable, Sequence

from django.db import connection


def copy_rows(model, columns: Sequence[str], rows: Iterable[tuple], *,
              batch_size: int = 5000) -> int:
    """Writes ``rows`` (tuples of column values, in ``columns`` order) into ``model``'s table;
    how many were written. Sends no signals and runs no ``save()``, as bulk_create."""
    fields = [model._meta.get_field(name) for name in columns]
    if connection.vendor != "postgresql":
        from itertools import islice

        iterator, written = iter(rows), 0
        while batch := list(islice(iterator, batch_size)):
            model.objects.bulk_create([model(**{field.attname: value for field, value in zip(
                fields, row, strict=True)}) for row in batch])
            written += len(batch)
        return written
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    from django.db.models import JSONField
    from psycopg.types.json import Jsonb

    as_json = [n for n, field in enumerate(fields) if isinstance(field, JSONField)]
    written = 0
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            if as_json:
                row = list(row)
                for n in as_json:
                    row[n] = Jsonb(row[n])
            copy.write_row(row)
            written += 1
    return written
