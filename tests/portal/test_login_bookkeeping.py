"""The failed-login records must never turn a login into a 500, whatever the database does."""

import psycopg
import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.urls import reverse

from devtools.demo.portal import DEMO_PASSWORD
from tests.conftest import need_service

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]


@pytest.fixture
def records_unavailable():
    """Another session holds axes's table, and ours gives up waiting at once: every read and
    write of the login records fails with a real database error."""
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    connection.ensure_connection()
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    other = psycopg.connect(**params, autocommit=False)
    other.execute(f"LOCK TABLE {AccessAttempt._meta.db_table} IN ACCESS EXCLUSIVE MODE")
    with connection.cursor() as cursor:
        cursor.execute("SET lock_timeout = '50ms'")
    yield  # the test's transaction is rolled back afterwards, and the SET with it
    other.rollback()
    other.close()


def test_a_failed_login_is_refused_normally_when_its_records_cannot_be_written(
        client, municipal_user, records_unavailable):
    response = client.post(reverse("login"), {"username": "yamagata", "password": "wrong"})
    assert response.status_code == 200
    assert "正しいユーザー名とパスワードを入力してください" in response.content.decode()


def test_a_good_login_succeeds_when_the_records_cannot_be_written(client, municipal_user,
                                                                 records_unavailable):
    response = client.post(reverse("login"), {"username": "yamagata",
                                              "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(municipal_user.pk)
