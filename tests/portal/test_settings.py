"""Settings are read from the environment; each case loads them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST"),
    "port": db.get("PORT"), "user": db.get("USER"),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"], "email": settings.EMAIL_BACKEND,
    "language": settings.LANGUAGE_CODE, "languages": [c for c, _ in settings.LANGUAGES],
    "tz": settings.TIME_ZONE, "debug": settings.DEBUG,
    "celery_broker": __import__("portal").celery_app.conf.broker_url,
    "celery_eager": __import__("portal").celery_app.conf.task_always_eager,
}))
"""
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                     "DEMO_MODE", "EMAIL_HOST", "DATA_DIR",
                     # set for the browser tests only; the deploy check rightly refuses it
                     "DJANGO_ALLOW_ASYNC_UNSAFE")


def run_settings(tmp_path, code=PROBE, timeout=60, **environ):
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update({"DJANGO_SETTINGS_MODULE": "portal.settings", "DATA_DIR": str(tmp_path), **environ})
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def load(tmp_path, **environ) -> dict:
    result = run_settings(tmp_path, **environ)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_nothing_set_the_demo_runs_embedded(tmp_path):
    config = load(tmp_path)
    assert config["engine"] == "django.db.backends.sqlite3"
    assert config["name"] == str(tmp_path / "portal.sqlite3")
    assert config["eager"] and config["celery_eager"]
    assert config["cache"].endswith("LocMemCache")
    assert config["email"].endswith("console.EmailBackend")
    assert (config["language"], config["tz"]) == ("ja", "Asia/Tokyo")
    assert config["languages"] == ["ja", "en"]


def test_database_url_switches_to_postgresql(tmp_path):
    config = load(tmp_path, DATABASE_URL="postgres://renkei:s%40cret@db.example:5433/renkei")
    assert config["engine"] == "django.db.backends.postgresql"
    assert (config["name"], config["host"], config["port"], config["user"]) == (
        "renkei", "db.example", "5433", "renkei")


def test_redis_url_switches_celery_and_the_cache_to_redis(tmp_path):
    config = load(tmp_path, REDIS_URL="redis://cache.example:6379/2")
    assert not config["eager"] and not config["celery_eager"]
    assert config["broker"] == config["celery_broker"] == "redis://cache.example:6379/2"
    assert config["cache"].endswith("RedisCache")


def test_an_unknown_database_scheme_is_refused(tmp_path):
    result = run_settings(tmp_path, DATABASE_URL="mysql://x@y/z")
    assert result.returncode != 0 and "not supported" in result.stderr


@pytest.mark.parametrize("environ, missing", [
    ({"DEBUG": "0"}, "SECRET_KEY"),
    ({"DEBUG": "0", "SECRET_KEY": "x" * 50}, "ALLOWED_HOSTS"),
])
def test_production_refuses_to_start_without_secret_key_and_hosts(tmp_path, environ, missing):
    result = run_settings(tmp_path, **environ)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_production_starts_with_secret_key_and_hosts(tmp_path):
    config = load(tmp_path, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="renkei.example.jp")
    assert config["debug"] is False


@pytest.mark.parametrize("value", ["ture", "flase", "enabled"])
def test_a_boolean_that_is_not_a_boolean_is_refused(tmp_path, value):
    result = run_settings(tmp_path, DEBUG="0", SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.example",
                          SECURE_COOKIES=value)
    assert result.returncode != 0
    assert "SECURE_COOKIES must be one of" in result.stderr and repr(value) in result.stderr


@pytest.mark.parametrize("value, expected", [("0", False), ("off", False), ("TRUE", True)])
def test_boolean_words_are_read_either_way(tmp_path, value, expected):
    config = load(tmp_path, DEBUG=value, SECRET_KEY="x" * 50, ALLOWED_HOSTS="a.example")
    assert config["debug"] is expected


def test_migrations_are_up_to_date(tmp_path):
    result = run_settings(tmp_path, code=(
        "import django, sys; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('makemigrations', '--check', '--dry-run', verbosity=1)\n"))
    assert result.returncode == 0, result.stdout + result.stderr
