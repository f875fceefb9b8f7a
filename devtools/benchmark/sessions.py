"""The signed-in floor under each session engine, one gunicorn after the other in the same
run: whether reading sessions through the cache raises the floor. (Whether anybody is logged
out when Redis is down is tests/portal/test_session_faults.py's question.)"""

from django.conf import settings

from . import load, server

ENGINES = {
    "database": "django.contrib.sessions.backends.db",
    "cached_db (Django)": "django.contrib.sessions.backends.cached_db",
    "cached_db, guarded": "portal.sessions",
}
DATABASE = "database"
# The cached engine is kept when its floor is at least the database engine's: on this loaded
# machine a few per cent either way is noise, more than that a difference.
TOLERANCE = 0.95


def floors(path: str, cookie: str, *, clients: int, duration: float, warmup: float,
           say) -> dict[str, load.PageResult]:
    measured = {}
    for name, engine in ENGINES.items():
        say(f"  signed-in floor, sessions: {name} …")
        port = server.free_port()
        with server.gunicorn(port, env={"SESSION_ENGINE": engine}):
            measured[name] = load.measure_page(
                f"floor, {name}", [path], host="127.0.0.1", port=port, cookie=cookie,
                clients=clients, duration=duration, warmup=warmup)
    return measured


def adopted() -> str:
    return next((name for name, engine in ENGINES.items()
                 if engine == settings.SESSION_ENGINE), settings.SESSION_ENGINE)


def section(measured: dict[str, load.PageResult]) -> tuple[list[str], bool]:
    """Lines for the report and whether the engine in use keeps the floor."""
    base = measured[DATABASE]
    lines = ["", f"{'signed-in floor by session engine':<38}{'req/s':>8}{'p50 ms':>9}"
                 f"{'p95 ms':>9}{'queries':>9}{'÷database':>11}"]
    for name, result in measured.items():
        share = result.rps / base.rps if base.rps else 0.0
        lines.append(f"{name:<38}{result.rps:>8.1f}{result.p50 * 1000:>9.1f}"
                     f"{result.p95 * 1000:>9.1f}{result.queries_max or 0:>9}{share:>11.0%}"
                     f"{'  (in use)' if name == adopted() else ''}"
                     f"{'' if result.errors == 0 else f'  {result.errors} errors'}")
    used = measured.get(adopted())
    ok = used is not None and used.errors == 0 and base.rps > 0 \
        and used.rps >= TOLERANCE * base.rps
    lines.append(f"Session engine in use ({adopted()}) keeps the signed-in floor: "
                 f"{'ok' if ok else 'MISSED'}")
    return lines, ok
