"""Failed logins in parallel against the embedded default (SQLite, `make run`'s runserver)."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The embedded default is what is measured: none of the services the test run points at.
SERVICE_VARIABLES = ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "ALLOWED_HOSTS",
                     "DEMO_MODE", "EMAIL_HOST", "DATA_DIR", "DJANGO_SETTINGS_MODULE",
                     "DJANGO_ALLOW_ASYNC_UNSAFE")
ATTEMPTS, THREADS = 48, 16
FAILURE_LIMIT = 10  # the default of LOGIN_FAILURE_LIMIT


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def embedded_server(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    env.update({"DATA_DIR": str(tmp_path), "DJANGO_SETTINGS_MODULE": "portal.settings"})
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], cwd=ROOT, env=env, check=True,
                   capture_output=True, timeout=300)
    subprocess.run([*manage, "shell", "-c",
                    "from portal.models import User; "
                    "User.objects.create_user('demo-pref', password='renkei-demo-2026')"],
                   cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)
    port = free_port()
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([*manage, "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/robots.txt", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the embedded server did not start: "
                        + (tmp_path / "server.log").read_text())
        yield base, tmp_path / "server.log"
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def failed_login(base: str, number: int) -> int:
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(base + "/login/", timeout=60).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    # Half try the one demo account (it is locked on the way), half guess other names.
    username = "demo-pref" if number % 2 else f"guess{number}"
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": username,
                                   "password": "wrong-password"}).encode()
    request = urllib.request.Request(base + "/login/", data=body,
                                     headers={"Referer": base + "/login/"})
    try:
        return opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def test_failed_logins_in_parallel_never_give_a_500_on_the_embedded_database(embedded_server):
    base, log = embedded_server
    with ThreadPoolExecutor(THREADS) as pool:
        statuses = Counter(pool.map(lambda number: failed_login(base, number), range(ATTEMPTS)))
    assert set(statuses) <= {200, 429}, (statuses, log.read_text()[-3000:])
    # Every failure was counted: the demo account's first nine are refused as wrong, the rest
    # meet the lock; the guessed names are never locked (each failed once).
    assert statuses[429] == ATTEMPTS // 2 - (FAILURE_LIMIT - 1), statuses
    assert "database is locked" not in log.read_text()
