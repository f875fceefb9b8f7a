import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import need_service

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def test_healthy_without_redis_configured(client, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "down": [], "database": "ok",
                               "redis": "not configured", "pdf_font": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.needs_redis
def test_healthy_with_a_real_redis(client, settings):
    need_service(bool(os.environ.get("REDIS_URL")), "REDIS_URL is not set")
    settings.REDIS_URL = os.environ["REDIS_URL"]
    response = client.get("/healthz")
    assert response.status_code == 200, response.content
    assert response.json()["redis"] == "ok"


def test_503_naming_redis_when_it_is_unreachable(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]
    assert response.json()["database"] == "ok"


def test_503_naming_the_database_when_it_is_unreachable(tmp_path):
    code = ("import django; django.setup()\n"
            "from django.test import Client\n"
            "r = Client().get('/healthz')\n"
            "print(r.status_code, r.content.decode())\n")
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DATA_DIR": str(tmp_path),
                "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none?connect_timeout=2"})
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    status, body = result.stdout.split(" ", 1)
    assert status == "503", result.stderr
    assert json.loads(body)["down"] == ["database"]


def test_robots_are_kept_out_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/robots.txt")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == "User-agent: *\nDisallow: /\n"


def test_the_query_count_header_is_there_only_when_asked_for(client, settings,
                                                             municipal_user):
    from django.test import Client
    from django.urls import reverse

    client.force_login(municipal_user)
    url = reverse("municipality_detail", args=["062014"])
    assert "X-Query-Count" not in client.get(url)
    settings.MIDDLEWARE = ["portal.middleware.QueryCountMiddleware", *settings.MIDDLEWARE]
    counting = Client()  # a client builds its middleware chain once
    counting.force_login(municipal_user)
    response = counting.get(url)
    assert int(response["X-Query-Count"]) >= 3  # session, user, municipality at least
