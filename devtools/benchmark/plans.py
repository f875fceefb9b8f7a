"""EXPLAIN ANALYZE of every query each benchmarked page sends when built afresh: how long each
took in PostgreSQL and which index (or sequential scan) served it."""

import re

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SCAN = re.compile(r"(Index Only Scan|Index Scan|Bitmap Index Scan|Seq Scan)( using \S+)?"
                  r"( on \S+)?")


def _plan(sql: str) -> tuple[float, list[str]]:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT TEXT) " + sql)
        lines = [row[0] for row in cursor.fetchall()]
    took = next((float(m.group(1)) for line in lines
                 if (m := re.search(r"Execution Time: ([\d.]+) ms", line))), 0.0)
    return took, sorted({m.group(0) for line in lines if (m := SCAN.search(line))})


def explain(pages: list[tuple[str, list[str]]], user) -> str:
    client = Client(SERVER_NAME="127.0.0.1")
    client.force_login(user)
    out = []
    for name, paths in pages:
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            status = client.get(paths[0]).status_code
        out.append(f"== {name} {paths[0]} (HTTP {status}, {len(queries)} queries)")
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.startswith(("SELECT", "WITH", "(SELECT")) or "django_session" in sql:
                continue
            took, scans = _plan(sql)
            out.append(f"{took:8.2f} ms  {sql[:100]}")
            out += [f"             {scan}" for scan in scans if "_pkey" not in scan]
    return "\n".join(out)
