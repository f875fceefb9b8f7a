"""Cached parts of pages follow every change, stay within their scope, and a cache that is
down only makes pages slower."""

import re

import pytest
from django.urls import reverse

from portal.lib import caching
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db


def test_a_value_is_kept_until_its_topic_changes():
    computed = []

    def compute():
        computed.append(1)
        return len(computed)

    assert caching.remember("t", ("initiatives",), ("a",), compute) == 1
    assert caching.remember("t", ("initiatives",), ("a",), compute) == 1
    assert caching.remember("t", ("initiatives",), ("b",), compute) == 2  # other parts
    assert caching.remember("t", ("surveys",), ("a",), compute) == 3  # other topics
    caching.bump("initiatives")
    assert caching.remember("t", ("initiatives",), ("a",), compute) == 4


def test_the_catalogue_shows_a_change_at_once(client, municipal_user):
    client.force_login(municipal_user)
    make_initiative("最初の取組み")
    assert "最初の取組み" in client.get(reverse("initiative_list")).content.decode()
    initiative = make_initiative("二番目の取組み")
    assert "二番目の取組み" in client.get(reverse("initiative_list")).content.decode()
    initiative.title = "改名した取組み"
    initiative.save()
    page = client.get(reverse("initiative_list")).content.decode()
    assert "改名した取組み</a>" in page and "二番目の取組み</a>" not in page
    detail = client.get(initiative.get_absolute_url()).content.decode()
    initiative.municipalities.clear()  # a link change alone
    assert client.get(initiative.get_absolute_url()).content.decode() != detail


def test_what_one_scope_cached_is_not_shown_to_another(client, prefecture_user,
                                                       other_municipal_user):
    make_initiative("山形市の未公開の提案", published=False)
    client.force_login(prefecture_user)
    assert "山形市の未公開の提案" in client.get(reverse("initiative_list")).content.decode()
    client.force_login(other_municipal_user)
    assert "山形市の未公開の提案" not in client.get(reverse("initiative_list")).content.decode()


def test_a_new_survey_answer_reaches_the_board_and_the_results(client, prefecture_user):
    from tests.surveys.conftest import keys, make_survey
    from tests.surveys.test_board_and_results import answer

    survey = make_survey()
    client.force_login(prefecture_user)
    board = reverse("survey_status", args=[survey.pk])
    results = reverse("survey_results", args=[survey.pk])
    assert "35団体中 0団体 提出済み" in client.get(board).content.decode()
    client.get(results)
    fields, *_rest = keys(survey)
    answer(survey, "062014", **{fields: ["水道"]})
    assert "35団体中 1団体 提出済み" in client.get(board).content.decode()
    assert "提出済みの回答 1件" in client.get(results).content.decode()


def test_pages_work_while_the_cache_is_down(client, settings, prefecture_user, monkeypatch):
    monkeypatch.setattr(caching, "_down_until", 0.0)  # restored after the test
    settings.CACHES = {"default": {
        "BACKEND": "portal.lib.redis_cache.KeptClientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    make_initiative("キャッシュなしでも見える取組み")  # its change is not announced: no error
    client.force_login(prefecture_user)
    for name in ("initiative_list", "dashboard"):
        response = client.get(reverse(name))
        assert response.status_code == 200, name
    assert "キャッシュなしでも見える取組み" in client.get(
        reverse("initiative_list")).content.decode()
    assert not caching._usable()  # after the first failure, no more waiting on it


def test_the_cache_is_tried_again_after_a_while(monkeypatch):
    import time

    monkeypatch.setattr(caching, "_down_until", time.monotonic() - 1)
    assert caching._usable()
    assert caching.remember("t", ("initiatives",), ("again",), lambda: "built") == "built"


def test_a_form_in_a_shared_page_carries_each_users_own_token(prefecture_user):
    """The results page is cached once for all prefecture staff; its report form must still
    pass the CSRF check for whoever was served it."""
    import re

    from django.test import Client

    from tests.factories import UserFactory
    from tests.surveys.conftest import make_survey

    survey = make_survey()
    url = reverse("survey_results", args=[survey.pk])
    colleague = UserFactory(role=prefecture_user.role, organisation=prefecture_user.organisation)
    pages = {}
    for user in (prefecture_user, colleague):
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        page = client.get(url).content.decode()
        assert caching.CSRF_PLACEHOLDER not in page
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        response = client.post(reverse("report_request"), {
            "kind": "survey_workbook", "survey_id": survey.pk, "csrfmiddlewaretoken": token})
        assert response.status_code == 302, user
        pages[user.pk] = page
    assert len(pages) == 2


def test_a_new_seat_shows_on_the_municipality_page(client, municipal_user):
    from meetings.models import Body, Membership
    from tests.meetings.conftest import APRIL_1

    client.force_login(municipal_user)
    url = reverse("municipality_detail", args=["062014"])
    assert "置賜広域連携チーム" not in client.get(url).content.decode()
    body = Body.objects.create(kind=Body.Kind.COUNCIL, name="置賜広域連携チーム")
    Membership.objects.create(body=body, user=municipal_user, title="企画課長",
                              starts_on=APRIL_1)
    assert "置賜広域連携チーム" in client.get(url).content.decode()


def test_a_seat_whose_term_has_ended_leaves_the_page_the_next_day(client, municipal_user):
    import datetime

    import time_machine

    from meetings.models import Body, Membership

    body = Body.objects.create(kind=Body.Kind.COUNCIL, name="任期で終わる会議")
    Membership.objects.create(body=body, user=municipal_user, title="企画課長",
                              starts_on=datetime.date(2026, 4, 1),
                              ends_on=datetime.date(2027, 3, 31))
    url = reverse("municipality_detail", args=["062014"])
    # Three minutes apart, within the cache's timeout, either side of midnight in Japan.
    with time_machine.travel(datetime.datetime(2027, 3, 31, 14, 58, tzinfo=datetime.UTC)):
        client.force_login(municipal_user)
        assert "任期で終わる会議" in client.get(url).content.decode()
    with time_machine.travel(datetime.datetime(2027, 3, 31, 15, 1, tzinfo=datetime.UTC)):
        client.force_login(municipal_user)
        assert "任期で終わる会議" not in client.get(url).content.decode()


def test_a_draft_save_keeps_the_results_but_not_the_board(municipal_user):
    from django.core.cache import cache

    from surveys.services import draft_save
    from tests.surveys.conftest import keys, make_survey

    survey = make_survey()
    fields, *_rest = keys(survey)

    def versions():
        return {topic: cache.get(f"topic:{topic}") for topic in ("surveys", "survey-answers")}

    caching.remember("probe", ("surveys", "survey-answers"), (), lambda: 0)  # sets versions
    before = versions()
    draft_save(actor=municipal_user, survey=survey, municipality=municipal_user.scope_municipality,
               answers={fields: ["水道"]}, base_version=0)
    after = versions()
    assert after["surveys"] == before["surveys"]  # results and dashboard keep their pages
    assert after["survey-answers"] != before["survey-answers"]  # the board shows the draft


def test_a_write_whose_bump_failed_is_seen_by_other_processes_within_the_timeout(
        client, settings, municipal_user, monkeypatch):
    """One process cannot reach the cache, so its write announces nothing; the others, on a
    healthy cache, serve their kept catalogue at most ``TIMEOUT`` seconds longer."""
    import datetime

    import time_machine

    from tests.conftest import need_service

    need_service(bool(settings.CACHES["default"]["BACKEND"].endswith("RedisCache")),
                 "needs Redis (REDIS_URL)")
    healthy = settings.CACHES
    cut_off = {"default": {
        "BACKEND": "portal.lib.redis_cache.KeptClientRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2}}}
    start = datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)
    client.force_login(municipal_user)
    with time_machine.travel(start, tick=False) as clock:
        assert "黙って増えた取組み" not in client.get(reverse("initiative_list")).content.decode()
        settings.CACHES = cut_off  # the writing process
        monkeypatch.setattr(caching, "_down_until", 0.0)
        make_initiative("黙って増えた取組み")
        assert not caching._usable()  # its bump failed
        settings.CACHES = healthy  # a reading process, which knows of no failure
        monkeypatch.setattr(caching, "_down_until", 0.0)
        clock.shift(caching.TIMEOUT - 1)
        stale = client.get(reverse("initiative_list")).content.decode()
        assert "黙って増えた取組み" not in stale  # still within the bound
        clock.shift(2)
        assert "黙って増えた取組み" in client.get(reverse("initiative_list")).content.decode()


def untokened(htmls):
    return [re.sub(r'value="[^"]+"', 'value="…"', html) for html in htmls]


def test_the_pieces_of_a_page_are_kept_apart_and_read_in_three_round_trips(
        rf, prefecture_user, monkeypatch):
    request = rf.get("/")
    request.user, request.LANGUAGE_CODE = prefecture_user, "ja"
    built = []

    def piece(name, topics):
        def build():
            built.append(name)
            return f'<input name="csrfmiddlewaretoken" value="{caching.CSRF_PLACEHOLDER}">{name}'
        return caching.Fragment(name, topics, ("part",), build)

    pieces = [piece("a", ("initiatives",)), piece("b", ("surveys",)),
              piece("c", ("initiatives", "reference"))]
    caching.bump("initiatives", "surveys", "reference")
    caching.remember("probe", ("initiatives", "surveys", "reference"), (), lambda: 0)
    calls = []

    def counting(method):
        original = getattr(caching.cache, method)

        def counted(*args, **kwargs):
            calls.append(method)
            return original(*args, **kwargs)
        return counted

    for method in ("get", "get_many", "set", "set_many", "add"):
        monkeypatch.setattr(caching.cache, method, counting(method))

    first = caching.fragments(request, pieces)
    assert built == ["a", "b", "c"] and calls == ["get_many", "get_many", "set_many"]
    assert [html[-1] for html in first] == ["a", "b", "c"]
    assert all(caching.CSRF_PLACEHOLDER not in html and 'value=""' not in html for html in first)
    calls.clear()
    assert untokened(caching.fragments(request, pieces)) == untokened(first)
    assert built == ["a", "b", "c"] and calls == ["get_many", "get_many"]
    # One piece asked alone is the one kept with the others.
    alone = caching.fragment(request, "b", ("surveys",), ("part",), lambda: "other")
    assert untokened([alone]) == untokened(first[1:2])
    caching.bump("surveys")
    caching.fragments(request, pieces)
    assert built == ["a", "b", "c", "b"]
