"""Growth: the pages built cold on ten times the decade data set (`--scale 10`, kept in a
database of its own) next to the same pages on the decade data set, in the same run. Each
figure is the median of several cold builds, the cache bumped before each, the two servers
asked in turn so both meet the same load on the machine."""

import datetime
import json
import os
import statistics
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from portal.lib import caching

from . import load, server
from .subprocesses import ensure_database, manage
from .subprocesses import measure as run_measure

LARGE_SCALE = 10
TARGET_GROWTH = 3.0  # scale-10 cold within 3× scale-1 cold
SAMPLES = 5
PAGES = [
    ("catalogue", "/initiatives/"),
    ("catalogue search 水道", "/initiatives/?q=%E6%B0%B4%E9%81%93"),
    ("dashboard", "/dashboard/"),
]


def large_database_url() -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path=parts.path + "_large"))


def _synthetic_initiatives(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url, connect_timeout=5) as connection:
            return connection.execute("SELECT count(*) FROM collaboration_initiative WHERE "
                                      "title LIKE '【合成】%%'").fetchone()[0]
    except psycopg.Error:  # no such database, or not migrated yet
        return None


def exists() -> bool:
    """Whether the scale-10 data set is complete: its audit trail is written last."""
    import psycopg

    if not _synthetic_initiatives(large_database_url()):
        return False
    with psycopg.connect(large_database_url(), connect_timeout=5) as connection:
        return connection.execute("SELECT EXISTS (SELECT 1 FROM portal_auditentry WHERE "
                                  "note = '合成データ')").fetchone()[0]


def prepare(say) -> float | None:
    """Builds the scale-10 data set once (kept between runs); the seconds it took, or None
    when it was there already."""
    url = large_database_url()
    ensure_database(url)
    manage("migrate", database=url)
    manage("load_reference_data", database=url)
    manage("shell", "-c", "from devtools.demo.portal import create_demo_users; "
           "create_demo_users()", database=url)
    if _synthetic_initiatives(url):
        return None
    say(f"Building the scale-{LARGE_SCALE} data set in its own database (kept between runs) …")
    started = time.perf_counter()
    say(manage("generate_demo_data", "--scale", str(LARGE_SCALE), database=url).strip())
    return time.perf_counter() - started


def _cookie(url: str | None) -> str:
    return run_measure("cookie", "-", url)["cookie"]


def settle_statistics(url: str) -> None:
    """VACUUM ANALYZE of the large data set, as ``cold.settle_statistics`` does for the decade
    one: both scales are measured with planner statistics and index-only scans."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE)")


def measure(*, say, samples: int = SAMPLES) -> dict:
    """Median cold time and queries of each page at both scales."""
    url = large_database_url()
    manage("migrate", database=url)  # built by an earlier version of the portal, perhaps
    settle_statistics(url)
    cookies = {1: _cookie(None), LARGE_SCALE: _cookie(url)}
    ports = {1: server.free_port(), LARGE_SCALE: server.free_port()}
    timings = {(name, scale): [] for name, _ in PAGES for scale in ports}
    queries = {}
    with server.gunicorn(ports[1]), server.gunicorn(ports[LARGE_SCALE],
                                                    env={"DATABASE_URL": url}):
        for scale, port in ports.items():
            load.ready_workers([path for _name, path in PAGES], host="127.0.0.1", port=port,
                               cookie=cookies[scale])
        for round_ in range(1, samples + 1):
            for name, path in PAGES:
                for scale, port in ports.items():
                    caching.bump(caching.EVERYTHING)  # the next request builds it afresh
                    sample = load.first_request(path, host="127.0.0.1", port=port,
                                                cookie=cookies[scale])
                    if sample.status != 200:
                        raise RuntimeError(f"{path} at scale {scale}: HTTP {sample.status}")
                    timings[(name, scale)].append(sample.seconds)
                    queries[(name, scale)] = sample.queries
            say(f"  growth: round {round_} of {samples}")
    return {name: {scale: {"ms": round(1000 * statistics.median(timings[(name, scale)]), 1),
                           "queries": queries[(name, scale)],
                           "samples_ms": [round(1000 * s, 1) for s in timings[(name, scale)]]}
                   for scale in ports}
            for name, _ in PAGES}


def _growing_queries(path: str) -> list[str]:
    """The queries of one cold build that take longest at scale 10, with their time at 1."""
    small = run_measure("page-queries", path)["queries"]
    large = run_measure("page-queries", path, large_database_url())["queries"]
    at_one = {sql: ms for sql, ms in small}
    return [f"    {ms:8.1f} ms at {LARGE_SCALE} (at 1: {at_one.get(sql, 0):.1f} ms)  {sql}"
            for sql, ms in large[:3]]


def section(measured: dict, built_seconds: float | None = None) -> tuple[list[str], bool]:
    lines = ["", f"{'cold, median of ' + str(SAMPLES):<26}{'scale 1 ms':>11}{'q':>5}"
                 f"{'scale 10 ms':>13}{'q':>5}{'÷scale 1':>10}  verdict (≤ {TARGET_GROWTH:g}×)"]
    passed = True
    for name, path in PAGES:
        one, ten = measured[name][1], measured[name][LARGE_SCALE]
        ratio = ten["ms"] / one["ms"] if one["ms"] else 0.0
        ok = ratio <= TARGET_GROWTH
        passed &= ok
        lines.append(f"{name:<26}{one['ms']:>11.1f}{one['queries'] or 0:>5}{ten['ms']:>13.1f}"
                     f"{ten['queries'] or 0:>5}{ratio:>9.1f}×  {'ok' if ok else 'MISSED'}")
        if not ok:
            lines += ["  slowest queries at scale 10:", *_growing_queries(path)]
    if built_seconds is not None:
        lines.append(f"Scale-{LARGE_SCALE} data set built in {built_seconds / 60:.1f} min.")
    return lines, passed


def benchmark(*, output: Path, say, started: float) -> bool:
    """`make bench-large` once the decade data set is ready: the scale-10 one built if need
    be, both columns measured, the verdict."""
    built = prepare(say)
    measured = measure(say=say)
    lines, passed = section(measured, built)
    lines = [f"Renkei Portal growth — {datetime.datetime.now():%Y-%m-%d %H:%M}, "
             f"gunicorn 3 sync workers per data set, {os.cpu_count()} CPUs", *lines,
             f"bench-large took {(time.perf_counter() - started) / 60:.1f} min.", "",
             "All targets met." if passed else "Some targets were MISSED."]
    text = "\n".join(lines)
    say(text)
    output.mkdir(parents=True, exist_ok=True)
    stamp = f"{datetime.datetime.now():%Y%m%d-%H%M%S}"
    (output / f"growth-{stamp}.txt").write_text(text + "\n", encoding="utf-8")
    (output / f"growth-{stamp}.json").write_text(json.dumps(
        {"pages": measured, "built_seconds": built, "passed": passed}, indent=2,
        ensure_ascii=False), encoding="utf-8")
    return passed
