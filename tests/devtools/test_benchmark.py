"""The benchmark's own parts: the load driver and the measurements (the full run is
`make bench`)."""

import pytest

from devtools.benchmark import load, measures

pytestmark = pytest.mark.django_db


def drive(*args, **kwargs):
    # In a thread of its own: the browser tests' driver may hold this thread's event loop.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(load.measure_page, *args, **kwargs).result()


def test_the_driver_counts_requests_errors_and_queries(live_server, settings):
    host, port = live_server.url.removeprefix("http://").split(":")
    floor = drive("floor", ["/robots.txt"], host=host, port=int(port), cookie="", clients=2,
                  duration=0.5, warmup=0.1)
    assert floor.requests > 0 and floor.errors == 0 and floor.rps > 0
    assert floor.p50 <= floor.p95 <= floor.p99
    missing = drive("missing", ["/no-such-page/"], host=host, port=int(port), cookie="",
                    clients=1, duration=0.3, warmup=0)
    assert missing.errors == missing.requests > 0  # a 404 is not a success


def test_the_csv_measurement_streams_the_rows_asked_for():
    from devtools.demo.portal import create_demo_users
    from devtools.synthetic.collaboration import generate_initiatives

    create_demo_users()
    generate_initiatives(40, seed=2)
    measured = measures.csv_export(25)
    assert measured["rows"] == 25 and measured["bytes"] > 0
    assert measured["growth_mib"] >= 0 and measured["peak_mib"] > 0
