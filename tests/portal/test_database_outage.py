"""A PostgreSQL restart: users get the Japanese 503 page with Retry-After, and the next
request works again by itself.

Requests go through Django's WSGI handler as gunicorn calls it: it checks and closes the
database connection around each request (the test client switches that off)."""

from contextlib import contextmanager
from wsgiref.util import setup_testing_defaults

import psycopg
import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection
from django.test import Client

from portal.composition import load_all_reference_data
from tests.conftest import HOME_CODE, need_service
from tests.factories import UserFactory, municipality_org

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def session_cookie(transactional_db, settings):
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    settings.DEBUG = False
    load_all_reference_data()  # each transactional test starts from empty tables
    client = Client()
    client.force_login(UserFactory(organisation=municipality_org(HOME_CODE)))
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


def get(path: str, cookie: str) -> tuple[int, dict, str]:
    environ = {}
    setup_testing_defaults(environ)
    environ.update(REQUEST_METHOD="GET", PATH_INFO=path, HTTP_HOST="testserver",
                   HTTP_COOKIE=cookie)
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = int(status.split()[0]), dict(headers)

    result = WSGIHandler()(environ, start_response)
    try:
        body = b"".join(result).decode()
    finally:
        result.close()  # ends the request: Django's connection clean-up runs here
    return answer["status"], answer["headers"], body


@contextmanager
def backend_terminated_at_first_query():
    """PostgreSQL ends this connection from the server side, as a restart does, just before
    the request's first query (after Django's health check of the connection)."""
    terminated = []
    params = connection.settings_dict

    def terminate(execute, sql, params_, many, context):
        if not terminated:
            pid = connection.connection.info.backend_pid
            with psycopg.connect(dbname=params["NAME"], user=params["USER"],
                                 password=params["PASSWORD"], host=params["HOST"],
                                 port=params["PORT"] or None, autocommit=True) as other:
                # With a timeout it waits until the backend has gone.
                other.execute("SELECT pg_terminate_backend(%s, 5000)", [pid])
            terminated.append(pid)
        return execute(sql, params_, many, context)

    with connection.execute_wrapper(terminate):
        yield terminated


def test_a_connection_lost_mid_request_is_the_503_page_and_the_next_request_works(
        session_cookie):
    assert get("/", session_cookie)[0] == 200
    with backend_terminated_at_first_query() as terminated:
        status, headers, body = get("/", session_cookie)
    assert terminated
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "no-store" in headers["Cache-Control"]
    assert "ただいま一時的にご利用いただけません" in body
    assert "30秒ほど" in body
    status, _headers, body = get("/", session_cookie)
    assert status == 200
    assert 'aria-label="メインメニュー"' in body


def test_a_database_refusing_connections_is_the_503_page_until_it_is_back(session_cookie):
    connection.close()
    port = connection.settings_dict["PORT"]
    connection.settings_dict["PORT"] = "1"  # nothing listens there: refused, as mid-restart
    try:
        status, headers, body = get("/initiatives/", session_cookie)
    finally:
        connection.settings_dict["PORT"] = port
    assert status == 503
    assert headers["Retry-After"] == "30"
    assert "ただいま一時的にご利用いただけません" in body
    assert get("/initiatives/", session_cookie)[0] == 200
