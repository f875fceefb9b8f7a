"""The bench's autosave rows: the POST driver against a live server, and the verdicts."""

from urllib.parse import urlsplit

import pytest
from django.db import connection

from devtools.benchmark import autosave, load, storm
from tests.conftest import need_service
from tests.devtools.test_storm import in_own_thread


def page(rps: float, p95: float, errors: int = 0, name: str = "page") -> load.PageResult:
    return load.PageResult(name=name, requests=int(rps * 10), seconds=10.0, errors=errors,
                           p50=p95 / 2, p95=p95, p99=p95, queries_mean=None, queries_max=None)


def stormed(**overrides) -> storm.StormResult:
    values = {"editors": 70, "seconds": 120.0, "saves": 5000, "accepted": 4000, "p95": 0.030,
              "board_loads": 300, "board_p95": 0.040, "checked": 300}
    return storm.StormResult(**{**values, **overrides})


def test_the_draft_save_must_reach_half_the_signed_in_floor():
    signed_in = page(600, 0.016)
    assert autosave.saves_verdict(page(300, 0.050), signed_in)
    assert not autosave.saves_verdict(page(299, 0.010), signed_in)
    assert not autosave.saves_verdict(page(500, 0.010, errors=1), signed_in)
    assert not autosave.saves_verdict(page(300, 0.010), page(0, 0))


def test_the_storm_must_keep_both_p95_under_three_floors_and_lose_nothing():
    signed_in = page(600, 0.016)  # bound: 48 ms
    assert autosave.storm_verdict(stormed(), signed_in)
    assert not autosave.storm_verdict(stormed(p95=0.049), signed_in)
    assert not autosave.storm_verdict(stormed(board_p95=0.048), signed_in)
    assert not autosave.storm_verdict(stormed(errors=1), signed_in)
    assert not autosave.storm_verdict(stormed(board_errors=1), signed_in)
    assert not autosave.storm_verdict(stormed(lost=1), signed_in)
    assert not autosave.storm_verdict(stormed(unsaved=1), signed_in)
    assert not autosave.storm_verdict(stormed(board_loads=0), signed_in)


def test_the_report_section_names_both_rows_and_their_verdicts():
    measured = autosave.Measured(page(100, 0.020, name=autosave.ROW),
                                 stormed(p95=0.060, interval=1.5, watchers=3))
    lines, passed = autosave.section(measured, page(600, 0.016))
    text = "\n".join(lines)
    assert not passed  # 17% of the floor, and the storm's p95 over 48 ms
    assert "autosave (draft save)" in text and "MISSED" in text and "status board" in text


def test_the_draft_save_is_judged_against_the_floor_driven_beside_it():
    saves = page(300, 0.050, name=autosave.ROW)
    # The page rows' floor (400 req/s) would pass it; the floor beside it (700) does not.
    measured = autosave.Measured(saves, stormed(), (page(650, 0.016), page(750, 0.016)))
    assert measured.floor_beside(page(400, 0.016)) == 700
    lines, passed = autosave.section(measured, page(400, 0.016))
    text = "\n".join(lines)
    assert not passed and "43%" in text and "before 650.0, after 750.0" in text
    lines, passed = autosave.section(autosave.Measured(saves, stormed()), page(400, 0.016))
    assert passed and "75%" in "\n".join(lines)


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_the_post_driver_saves_drafts_that_the_server_accepts(live_server):
    from portal.composition import load_all_reference_data
    from surveys.models import SurveyResponse

    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    load_all_reference_data()
    address = urlsplit(live_server.url)
    result = in_own_thread(autosave.measure_draft_saves, address.hostname, address.port,
                           clients=2, duration=1.0, warmup=0.2)
    assert result.name == autosave.ROW and result.requests > 0 and result.errors == 0
    assert result.p50 <= result.p95 <= result.p99
    versions = list(SurveyResponse.objects.filter(survey__title=storm.STORM_TITLE)
                    .values_list("version", flat=True))
    assert len(versions) == 2 and sum(versions) >= result.requests  # each save was written
