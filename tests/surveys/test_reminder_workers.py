"""Two real Celery workers, a private Redis and a mail server that answers slowly: a reminder
whose claim was taken over while its first task was still queued goes out once."""

import datetime
import os
import shutil
import socket
import socketserver
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.utils import timezone

from surveys.models import ReminderDelivery
from surveys.tasks import sweep_reminders
from tests.conftest import need_service
from tests.factories import UserFactory, municipality_org
from tests.surveys.conftest import make_survey

pytestmark = [pytest.mark.needs_postgres, pytest.mark.needs_redis,
              pytest.mark.django_db(transaction=True)]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SlowMailServer(socketserver.ThreadingTCPServer):
    """Just enough SMTP to take messages; it holds each one until a second arrives (or a few
    seconds pass), so two workers sending the same reminder would both be caught sending."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, port, hold=8.0):
        super().__init__(("127.0.0.1", port), SmtpSession)
        self.recipients, self.hold = [], hold
        self.arrived = threading.Semaphore(0)
        self.waiting = 0
        self.lock = threading.Lock()


class SmtpSession(socketserver.StreamRequestHandler):
    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        server = self.server
        self.reply("220 mail.test ready")
        recipients = []
        while line := self.rfile.readline():
            command = line.decode("latin-1").strip()
            verb = command[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.reply("250 mail.test")
            elif verb == "RCPT":
                recipients.append(command.split(":", 1)[1].strip(" <>"))
                self.reply("250 ok")
            elif verb == "DATA":
                self.reply("354 go ahead")
                while self.rfile.readline() not in (b".\r\n", b""):
                    pass
                with server.lock:
                    server.waiting += 1
                    others = server.waiting > 1
                if others:
                    server.arrived.release()
                else:
                    server.arrived.acquire(timeout=server.hold)
                server.recipients += recipients
                self.reply("250 queued")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:  # MAIL, RSET, NOOP
                self.reply("250 ok")


@contextmanager
def publishing_to(url):
    """Tasks queued here go to the private broker, where the workers take them."""
    from portal.celery import app

    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.broker_url, app.conf.task_always_eager = url, False
    app._after_fork()  # forget the connection pool made for the usual broker
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = saved
        app._after_fork()


def test_two_workers_send_a_reminder_taken_over_in_a_backlog_once(tmp_path):
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    need_service(bool(shutil.which("redis-server")), "redis-server is not installed")
    import redis

    from portal.composition import load_all_reference_data
    from portal.models import Municipality

    if not Municipality.objects.exists():
        load_all_reference_data()
    now = timezone.now()
    make_survey(deadline=now + datetime.timedelta(days=3), plan=[-7, 1], codes=["062014"])
    UserFactory(organisation=municipality_org("062014"), username="chief",
                email="chief@example.jp")

    redis_port, mail_port = free_port(), free_port()
    broker = f"redis://127.0.0.1:{redis_port}/0"
    redis_server = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    mail = SlowMailServer(mail_port)
    threading.Thread(target=mail.serve_forever, daemon=True).start()
    workers = []
    try:
        queue = redis.Redis(port=redis_port)
        for _ in range(50):
            try:
                queue.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.1)
        with publishing_to(broker):
            assert sweep_reminders() == 1  # queued; no worker is free for a long while
            with time_machine.travel(now + datetime.timedelta(minutes=20)):
                assert sweep_reminders() == 1  # the claim looks dead: taken over
        assert queue.llen("celery") == 2

        database = urlunsplit(urlsplit(os.environ["DATABASE_URL"])._replace(
            path="/" + connection.settings_dict["NAME"]))
        env = {**os.environ, "DATABASE_URL": database, "REDIS_URL": broker,
               "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(mail_port)}
        for number in (1, 2):
            workers.append(subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo",
                 "--loglevel", "WARNING", "-n", f"reminders{number}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat"],
                cwd=settings.BASE_DIR, env=env, stdout=subprocess.DEVNULL))
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            done = queue.llen("celery") == 0 and queue.hlen("unacked") == 0
            if done and ReminderDelivery.objects.exclude(sent_at=None).exists():
                break
            time.sleep(0.5)
        else:
            pytest.fail("the workers did not finish within 90 s")
        assert mail.recipients == ["chief@example.jp"]
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)
        mail.shutdown()
        mail.server_close()
        redis_server.terminate()
        redis_server.wait(timeout=10)
