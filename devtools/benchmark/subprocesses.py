"""The benchmark's databases and the measurements run in processes of their own."""

import json
import os
import subprocess
import sys
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings


def database_url(name: str) -> str:
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + name))


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s",
                                    [name]).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def manage(*arguments: str, database: str | None = None) -> str:
    env = dict(os.environ)
    if database:
        env["DATABASE_URL"] = database
    result = subprocess.run([sys.executable, "manage.py", *arguments], cwd=settings.BASE_DIR,
                            env=env, check=True, capture_output=True, text=True)
    return result.stdout


def measure(what: str, argument: str, database: str | None = None) -> dict:
    return json.loads(manage("benchmark_measure", what, argument,
                             database=database).strip().splitlines()[-1])
