"""Real faults against a real worker: a private Redis on a free port and Celery worker
processes on the test database; the worker is SIGKILLed mid-build, Redis is restarted empty
or is down. A report is never stuck, and nothing queued is lost."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from portal.lib import reports
from portal.models import OutboxTask, Report
from portal.tasks import clean_up_reports, relay_outbox
from tests import fault_worker
from tests.conftest import need_service

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
STALE_SECONDS = 3  # the stated time, small so the test takes seconds, not minutes


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition, what: str, timeout: float = 60, logs=()):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    tails = "\n".join(Path(log).read_text()[-3000:] for log in logs if Path(log).exists())
    pytest.fail(f"{what}: not within {timeout} s\n{tails}")


class PrivateRedis:
    def __init__(self, tmp_path):
        self.port, self.tmp_path, self.process = free_port(), tmp_path, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.tmp_path)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(self.ping, "redis-server answering", timeout=20)

    def ping(self) -> bool:
        import redis

        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.5).ping()
        except redis.ConnectionError:
            return False

    def queued(self) -> int:
        import redis

        return redis.Redis(port=self.port).llen("celery")

    def stop(self):
        if self.process is not None:
            self.process.kill()  # no save: it comes back empty
            self.process.wait()
            self.process = None

    def restart_empty(self):
        self.stop()
        self.start()


class Workers:
    """Celery worker processes (one prefork child each) on the test database."""

    def __init__(self, tmp_path, redis_url):
        settings = connection.settings_dict
        credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"]
                                          else "")
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings",
                    "DATABASE_URL": f"postgres://{credentials}@{settings['HOST']}:"
                                    f"{settings['PORT'] or 5432}/{settings['NAME']}",
                    "REDIS_URL": redis_url, "DATA_DIR": str(tmp_path / "data"),
                    "REPORT_STALE_SECONDS": str(STALE_SECONDS),
                    "REPORT_QUEUED_STALE_SECONDS": str(STALE_SECONDS)}
        self.tmp_path, self.processes, self.logs = tmp_path, [], []

    def start(self):
        log = self.tmp_path / f"worker-{len(self.processes)}.log"
        self.logs.append(log)
        self.processes.append(subprocess.Popen(
            [sys.executable, "-m", "tests.fault_worker"], cwd=ROOT, env=self.env,
            stdout=log.open("w"), stderr=subprocess.STDOUT, start_new_session=True))
        wait_for(lambda: "ready." in log.read_text(), "the worker starting", logs=[log])

    def kill_all(self):
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


@pytest.fixture
def faults(transactional_db, tmp_path, settings):
    """The private Redis (not started yet), worker processes, and this process's Celery app
    sending to that Redis as in production."""
    need_service(connection.vendor == "postgresql", "the worker needs PostgreSQL (DATABASE_URL)")
    need_service(bool(shutil.which("redis-server")), "redis-server is not installed")
    from portal.celery import app
    from portal.composition import load_all_reference_data

    load_all_reference_data()  # the transactional database starts empty
    settings.REPORT_STALE_SECONDS = settings.REPORT_QUEUED_STALE_SECONDS = STALE_SECONDS
    redis = PrivateRedis(tmp_path)
    workers = Workers(tmp_path, redis.url)
    fault_worker.register()

    def forget_connections():
        app._pool = None
        app.amqp._producer_pool = None

    eager, broker = app.conf.task_always_eager, app.conf.broker_url
    app.conf.task_always_eager, app.conf.broker_url = False, redis.url
    forget_connections()
    yield redis, workers
    app.conf.task_always_eager, app.conf.broker_url = eager, broker
    forget_connections()
    workers.kill_all()
    redis.stop()
    fault_worker.unregister()


def ask(user, tmp_path, *, hold: bool) -> tuple[Report, Path]:
    """A report whose build waits while ``hold`` exists."""
    path = tmp_path / "hold"
    if hold:
        path.touch()
    report = reports.request_report(user=user, code=fault_worker.BLOCKING,
                                    params={"hold": str(path)})
    return report, path


def status(report) -> str:
    report.refresh_from_db()
    return report.status


def test_a_worker_killed_mid_build_is_replaced_and_the_report_built(faults, prefecture_user,
                                                                    tmp_path):
    redis, workers = faults
    redis.start()
    workers.start()
    report, hold = ask(prefecture_user, tmp_path, hold=True)
    wait_for(lambda: status(report) == "running" and Path(f"{hold}.pid").exists(),
             "the build starting", logs=workers.logs)
    os.kill(int(Path(f"{hold}.pid").read_text()), signal.SIGKILL)  # the process building it
    hold.unlink()
    # The message comes back; once the report has gone quiet it is taken over and built.
    wait_for(lambda: status(report) == "done", "the report built again", logs=workers.logs)
    assert report.attempts == 2


def test_a_killed_worker_and_an_emptied_broker_leave_a_report_that_can_be_retried(
        faults, prefecture_user, tmp_path, client):
    redis, workers = faults
    redis.start()
    workers.start()
    report, hold = ask(prefecture_user, tmp_path, hold=True)
    wait_for(lambda: status(report) == "running", "the build starting", logs=workers.logs)
    workers.kill_all()  # the whole worker, so its message is not given back either
    redis.restart_empty()
    hold.unlink()
    workers.start()
    wait_for(lambda: clean_up_reports() and status(report) == "failed",
             "the clean-up failing the report", timeout=30, logs=workers.logs)
    assert "もう一度依頼してください" in report.error
    client.force_login(prefecture_user)
    assert "もう一度作成する" in client.get(report.get_absolute_url()).content.decode()
    assert client.post(reverse("report_retry", args=[report.pk])).status_code == 302
    wait_for(lambda: status(report) == "done", "the retried report built", logs=workers.logs)


def test_a_report_queued_when_the_broker_lost_its_messages_is_asked_for_afresh(
        faults, prefecture_user, tmp_path):
    redis, workers = faults
    redis.start()
    lost, _ = ask(prefecture_user, tmp_path, hold=False)
    assert redis.queued() == 1 and OutboxTask.objects.get().dispatched_at is not None
    redis.restart_empty()  # the message is gone; the report stays 「待機中」
    workers.start()
    time.sleep(STALE_SECONDS + 1)
    assert status(lost) == "queued"
    again, _ = ask(prefecture_user, tmp_path, hold=False)
    assert again.pk != lost.pk  # not the stuck one handed back
    assert status(lost) == "failed" and "もう一度依頼してください" in lost.error
    wait_for(lambda: status(again) == "done", "the new report built", logs=workers.logs)
    reports.retry_report(user=prefecture_user, report=lost)
    wait_for(lambda: status(lost) == "done", "the lost report retried", logs=workers.logs)


def test_with_the_broker_down_a_request_returns_and_the_work_is_sent_when_it_is_back(
        faults, prefecture_user, tmp_path, client, django_assert_max_num_queries):
    redis, workers = faults  # not started: nothing listens on its port
    client.force_login(prefecture_user)
    with django_assert_max_num_queries(20):
        response = client.post(reverse("report_request"), {
            "kind": fault_worker.BLOCKING, "hold": str(tmp_path / "hold")})
    report = Report.objects.get()
    assert response.status_code == 302 and report.status == "queued"  # not built in here
    (waiting,) = OutboxTask.objects.all()
    assert (waiting.task, waiting.args, waiting.dispatched_at) == (
        "portal.tasks.build_report", [report.pk], None)
    assert waiting.attempts == 1  # one attempt, then it waits
    redis.start()  # back, and empty
    assert relay_outbox() == 1  # what beat runs every minute
    waiting.refresh_from_db()
    assert waiting.dispatched_at is not None and redis.queued() == 1
    workers.start()
    wait_for(lambda: status(report) == "done", "the report built", logs=workers.logs)
