"""The portal under gunicorn as in production (Dockerfile: three sync workers)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager

from django.conf import settings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(port: int, workers: int = 3, env: dict | None = None):
    command = [sys.executable, "-m", "gunicorn", "portal.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--log-level", "warning"]
    env = {**os.environ, "PORTAL_COUNT_QUERIES": "1", **(env or {})}
    process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env)
    try:
        _wait_until_up(port, process)
        yield process
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(port: int, process, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/robots.txt", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer within 30 s")
