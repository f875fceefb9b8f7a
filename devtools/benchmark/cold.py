"""Pages built with an empty cache (the first request after any change, a new search term).

Each page is requested several times, the cache bumped before each request, and the median
decides, so one noisy sample does not; the signed-in floor is measured the same way, a
floor request before each of the page's, so both are timed in the same seconds. The
target: every page built cold within 4× the signed-in floor's cold time, and the catalogue
for 20 different two-character search terms, each cold, within the same bound at p95."""

import math
import statistics
from urllib.parse import quote

from portal.lib import caching

from . import load

SAMPLES = 5
TARGET_OVER_FLOOR = 4.0
# Two-character words found in the decade data; 観光, 除雪, 移住, 防災, 税務 and 看護 have
# synonyms (collaboration/synonyms.py), so their search is by the whole group; 地域 and 連携
# match nearly half the catalogue.
SEARCH_TERMS = ("水道", "観光", "除雪", "移住", "交通", "防災", "医療", "福祉", "教育", "環境",
                "健康", "税務", "看護", "地域", "広域", "連携", "共同", "人材", "研修", "山形")
SEARCH_ROW = "catalogue, 20 two-character searches (cold)"


def settle_statistics() -> None:
    """VACUUM ANALYZE after the bulk load, as autovacuum would have done in production: the
    planner's estimates and index-only scans depend on it, and cold builds measure the plans."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")


def _cold(path: str, *, host: str, port: int, cookie: str) -> load.Sample:
    caching.bump(caching.EVERYTHING)  # so the request builds the page afresh
    return load.first_request(path, host=host, port=port, cookie=cookie)


# Page name → the signed-in floor's median cold time taken alongside its samples: on a loaded
# machine the floor is compared with what was measured in the same seconds.
floor_nearby: dict[str, float] = {}


def _median(samples: list[load.Sample]) -> load.Sample:
    """The median time, with the most queries any sample sent and the worst status."""
    statuses = [sample.status for sample in samples if sample.status != 200]
    counts = [sample.queries for sample in samples if sample.queries is not None]
    return load.Sample(statuses[0] if statuses else 200,
                       statistics.median(sample.seconds for sample in samples),
                       max(counts) if counts else None)


def median_cold(name: str, paths: list[str], *, floor: tuple[str, str], host: str, port: int,
                cookie: str, samples: int = SAMPLES) -> load.Sample:
    """The median of ``samples`` cold requests (over the page's addresses in turn); each is
    preceded by a cold request of the floor (``floor``: its path and cookie), whose median
    is kept in ``floor_nearby``."""
    taken, floors = [], []
    for n in range(samples):
        floors.append(_cold(floor[0], host=host, port=port, cookie=floor[1]))
        taken.append(_cold(paths[n % len(paths)], host=host, port=port, cookie=cookie))
    floor_nearby[name] = _median(floors).seconds
    return _median(taken)


def searches(*, floor: tuple[str, str], host: str, port: int, cookie: str) -> dict:
    """The catalogue searched for each of ``SEARCH_TERMS``, each built cold, with the floor
    measured in between."""
    taken, floors = [], []
    for term in SEARCH_TERMS:
        floors.append(_cold(floor[0], host=host, port=port, cookie=floor[1]))
        taken.append(_cold(f"/initiatives/?q={quote(term)}", host=host, port=port,
                           cookie=cookie))
    ordered = sorted(sample.seconds for sample in taken)
    rank = math.ceil(0.95 * len(ordered)) - 1  # nearest rank: the 19th of 20
    counts = [sample.queries for sample in taken if sample.queries is not None]
    return {"terms": len(taken), "p50": statistics.median(ordered), "p95": ordered[rank],
            "max": ordered[-1], "queries_max": max(counts) if counts else None,
            "errors": sum(1 for sample in taken if sample.status != 200),
            "floor": _median(floors).seconds}


def verdict(seconds: float, floor_seconds: float) -> tuple[str, bool]:
    """``seconds`` against 4× the floor's cold time: the ratio and whether it is met."""
    ratio = seconds / floor_seconds if floor_seconds else math.inf
    return f"{ratio:.1f}×", ratio <= TARGET_OVER_FLOOR


def report_lines(results, search: dict) -> tuple[list[str], bool]:
    """Lines for the table: each page's cold build against the floor's taken alongside it,
    then the searches."""
    lines = [f"Built cold: median of {SAMPLES} requests, the cache bumped before each, against "
             f"{TARGET_OVER_FLOOR:g}× the signed-in floor's median cold time taken between "
             "them:",
             f"{'page':<44}{'cold ms':>9}{'queries':>9}{'floor ms':>10}{'÷floor':>8}  verdict"]
    passed = True
    for result in results:
        floor = floor_nearby.get(result.name, 0.0)
        ratio, ok = verdict(result.cold.seconds, floor)
        ok = ok and result.cold.status == 200
        passed &= ok
        lines.append(f"{result.name:<44}{result.cold.seconds * 1000:>9.1f}"
                     f"{result.cold.queries or 0:>9}{floor * 1000:>10.1f}{ratio:>8}"
                     f"  {'ok' if ok else 'MISSED'}")
    ratio, ok = verdict(search["p95"], search["floor"])
    ok = ok and search["errors"] == 0
    passed &= ok
    lines.append(f"{SEARCH_ROW:<44}{search['p95'] * 1000:>9.1f}{search['queries_max'] or 0:>9}"
                 f"{search['floor'] * 1000:>10.1f}{ratio:>8}  {'ok' if ok else 'MISSED'} (p95; "
                 f"p50 {search['p50'] * 1000:.1f} ms, max {search['max'] * 1000:.1f} ms)")
    return lines, passed
