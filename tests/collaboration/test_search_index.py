import pytest
from django.db import connection

from collaboration.filters import InitiativeFilter
from collaboration.models import Initiative
from tests.conftest import need_service

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]


def test_a_two_character_search_can_use_the_gram_index(initiative_factory, municipal_user):
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    for number in range(30):
        initiative_factory(f"観光協議会{number}", fields=("観光",))
    initiative_factory("水道事業のあり方検討")
    search = InitiativeFilter({"q": "水道"}, queryset=Initiative.objects.all())
    assert search.is_valid()
    sql, params = search.qs.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        # A table this small is cheaper to scan; forbid that to see the index serve the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "initiative_search_grams" in plan
    assert [i.title for i in search.qs] == ["水道事業のあり方検討"]
