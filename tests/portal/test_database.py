import pytest
from django.db import connection

from tests.conftest import need_service

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]


def test_postgresql_handles_japanese_text_for_search():
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    with connection.cursor() as cursor:
        cursor.execute("SELECT datctype FROM pg_database WHERE datname = current_database()")
        ctype = cursor.fetchone()[0]
        # pg_trgm and upper()/lower() ignore Japanese characters under LC_CTYPE=C.
        assert ctype.lower().replace("-", "") in {"c.utf8", "ja_jp.utf8", "en_us.utf8"}
        cursor.execute("SELECT normalize(%s, NFKC)", ["ｶﾞｲﾄﾞ　０６２０１４"])
        assert cursor.fetchone()[0] == "ガイド 062014"
