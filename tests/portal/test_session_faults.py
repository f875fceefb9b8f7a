"""Sessions against a real Redis that goes down: a private redis-server on a free port, killed
mid-session. Whatever engine settings.py names, nobody is logged out and no page fails: the
database keeps every session, Redis at most speeds reading it."""

import shutil

import pytest
from django.contrib.auth import SESSION_KEY
from django.urls import reverse

from portal.lib import caching
from portal.models import Report
from tests.conftest import need_service
from tests.portal.test_report_faults import PrivateRedis

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis(tmp_path, settings, monkeypatch):
    """The cache (and so a cached session) on a private Redis, started and up."""
    need_service(bool(shutil.which("redis-server")), "redis-server is not installed")
    server = PrivateRedis(tmp_path)
    server.start()
    settings.CACHES = {"default": {
        "BACKEND": "portal.lib.redis_cache.KeptClientRedisCache", "LOCATION": server.url,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}
    monkeypatch.setattr(caching, "_down_until", 0.0)  # no back-off left by another test
    yield server
    server.stop()


def status_of(client, report) -> int:
    return client.get(reverse("report_status", args=[report.pk])).status_code


def signed_in(client, user) -> bool:
    return client.session.get(SESSION_KEY) == str(user.pk)


def test_nobody_is_logged_out_when_redis_goes_down(redis, client, prefecture_user):
    report = Report.objects.create(kind="annual_pdf", params={"year": 2026},
                                   requested_by=prefecture_user)
    client.force_login(prefecture_user)
    assert status_of(client, report) == 200
    assert status_of(client, report) == 200  # read back, from the cache when it holds them
    redis.stop()
    # The first request after the failure and those during the page cache's back-off alike.
    for _ in range(3):
        assert status_of(client, report) == 200
        assert client.get(reverse("dashboard")).status_code == 200
    assert signed_in(client, prefecture_user)


def test_signing_in_and_out_work_while_redis_is_down(redis, client, prefecture_user):
    from portal.demo_logins import DEMO_PASSWORD

    prefecture_user.set_password(DEMO_PASSWORD)
    prefecture_user.save()
    redis.stop()
    response = client.post(reverse("login"), {"username": prefecture_user.username,
                                              "password": DEMO_PASSWORD})
    assert response.status_code == 302 and signed_in(client, prefecture_user)
    assert client.get(reverse("dashboard")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302  # to the login page


def test_a_session_ended_by_an_administrator_is_gone_from_the_cache_as_well(
        redis, client, prefecture_user):
    from portal.services.accounts import end_sessions

    client.force_login(prefecture_user)
    assert client.get(reverse("dashboard")).status_code == 200  # read once: cached if cached
    assert end_sessions(prefecture_user) == 1
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_kept_cache_client_serves_again_after_redis_restarts_empty(redis, client,
                                                                      prefecture_user):
    from django.core.cache import cache

    kept = cache._cache.get_client()
    assert cache._cache.get_client(write=True) is kept  # one client, not one per call
    cache.set("probe", "before", 60)
    redis.restart_empty()
    assert cache.get("probe") is None  # the new server is empty; the old connection is gone
    cache.set("probe", "after", 60)
    assert cache.get("probe") == "after" and cache._cache.get_client() is kept
    client.force_login(prefecture_user)
    assert client.get(reverse("dashboard")).status_code == 200
