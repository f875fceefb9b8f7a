"""The autosave storm driver (`make storm`) at a tiny scale against a live server."""

from urllib.parse import urlsplit

import pytest
from django.db import connection

from devtools.benchmark import storm
from tests.conftest import need_service


def in_own_thread(function, *args, **kwargs):
    # The browser tests' driver may hold this thread's event loop; the storm runs its own.
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def work():
        try:
            return function(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def test_the_loss_check_finds_a_text_replaced_by_an_older_one():
    records = [(1, "q1", 1, "最初"), (1, "q1", 3, "最後"), (1, "q2", 2, "別の設問"),
               (2, "q1", 1, "大蔵村")]
    assert storm.lost_drafts(records, {1: {"q1": "最後", "q2": "別の設問"},
                                       2: {"q1": "大蔵村"}}) == []
    lost = storm.lost_drafts(records, {1: {"q1": "最初", "q2": "別の設問"}, 2: {}})
    assert [(item["municipality"], item["question"]) for item in lost] == [(1, "q1"), (2, "q1")]


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_a_small_storm_loses_no_draft(live_server):
    from portal.composition import load_all_reference_data

    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    load_all_reference_data()
    address = urlsplit(live_server.url)
    result = in_own_thread(storm.run, address.hostname, address.port, editors=4, duration=5,
                           interval=0.3, watchers=1, watch_every=0.5)
    assert result.saves > 20 and result.accepted > 0
    assert result.board_loads > 3 and result.board_errors == 0
    assert result.board_p50 <= result.board_p95
    assert result.errors == 0 and result.unsaved == 0
    assert result.checked > 0 and result.lost == 0, result.lost_detail
