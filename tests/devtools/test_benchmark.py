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


def _page(name: str, cold_seconds: float, status: int = 200):
    from devtools.benchmark.load import PageResult, Sample

    return PageResult(name=name, requests=1, seconds=1, errors=0, p50=0, p95=0, p99=0,
                      queries_mean=None, queries_max=None, cold=Sample(status, cold_seconds, 3))


def test_a_page_built_cold_over_four_times_the_floor_fails_the_run(monkeypatch):
    from devtools.benchmark import cold

    monkeypatch.setattr(cold, "floor_nearby", {"signed-in floor": 0.02, "catalogue": 0.02,
                                               "dashboard": 0.03})
    searches = {"p50": 0.05, "p95": 0.07, "max": 0.09, "queries_max": 13, "errors": 0,
                "floor": 0.02, "terms": 20}
    pages = [_page("signed-in floor", 0.02), _page("catalogue", 0.079),
             _page("dashboard", 0.11)]
    lines, passed = cold.report_lines(pages, searches)
    assert passed, lines
    # Each page is judged against the floor measured alongside it, not the first one.
    _lines, passed = cold.report_lines([*pages[:2], _page("dashboard", 0.13)], searches)
    assert not passed
    _lines, passed = cold.report_lines(pages, {**searches, "p95": 0.081})
    assert not passed
    _lines, passed = cold.report_lines([*pages[:2], _page("dashboard", 0.05, 500)], searches)
    assert not passed
def test_the_export_and_copy_are_measured_on_the_same_rows():
    from devtools.demo.portal import create_demo_users
    from devtools.synthetic.collaboration import generate_initiatives

    create_demo_users()
    generate_initiatives(30, seed=5)
    measured = measures.export_against_copy(20)
    assert measured["rows"] == measured["copy_rows"] == 20
    assert measured["export_rows_per_s"] > 0 and measured["copy_rows_per_s"] > 0
    assert measured["bare_copy_rows_per_s"] > 0
    # Ratios of the rates (rounded: a COPY of 20 plain rows may be a thousand times faster).
    assert measured["ratio"] == pytest.approx(
        measured["export_rows_per_s"] / measured["copy_rows_per_s"], abs=0.01)
    assert measured["bare_ratio"] == pytest.approx(
        measured["export_rows_per_s"] / measured["bare_copy_rows_per_s"], abs=0.01)


def test_the_verdicts_follow_the_figures():
    from devtools.benchmark import export_copy, growth, sessions

    rates = {"export_rows_per_s": 30, "copy_rows_per_s": 100, "bare_copy_rows_per_s": 400,
             "bare_ratio": 0.075}
    assert export_copy.section({export_copy.LABEL: {**rates, "ratio": 0.3}})[1]
    assert not export_copy.section({export_copy.LABEL: {**rates, "ratio": 0.2}})[1]
    page = {"ms": 100.0, "queries": 10}
    within = {name: {1: page, 10: {**page, "ms": 290.0}} for name, _ in growth.PAGES}
    assert growth.section(within)[1]
    floor = load.PageResult("floor", 100, 1.0, 0, 0.01, 0.02, 0.03, 3, 3)
    slower = load.PageResult("floor", 80, 1.0, 0, 0.01, 0.02, 0.03, 2, 2)
    assert sessions.section({name: floor for name in sessions.ENGINES})[1]
    assert not sessions.section({**{name: floor for name in sessions.ENGINES},
                                 sessions.adopted(): slower})[1]


def test_the_similar_cases_measurement_times_every_sample_after_a_first_lookup():
    from collaboration import similar_store
    from collaboration.models import Initiative
    from devtools.demo.portal import create_demo_users
    from devtools.synthetic.collaboration import generate_initiatives

    create_demo_users()
    generate_initiatives(30, seed=3)
    Initiative.objects.update(is_published=True)
    similar_store.rebuild_all()
    for kind in ("initiative", "initiative-lookup"):
        measured = measures.similar_cases(kind)
        assert measured["samples"] == min(measures.SIMILAR_SAMPLES, 30)
        assert measured["first_ms"] > 0 and measured["p50_ms"] <= measured["p95_ms"]
        assert measured["suggestions"] > 0
