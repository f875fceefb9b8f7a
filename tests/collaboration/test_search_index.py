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


def test_the_index_computes_the_grams_python_gives(db):
    """The GIN index computes each row's grams in SQL (collaboration.search.GRAMS_FUNCTION):
    they must be the very grams a query term is looked up by (``grams``)."""
    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    from collaboration.search import GRAMS_FUNCTION, PRIVATE_MARK, grams, search_text
    from devtools.synthetic.collaboration import generate_initiatives

    generate_initiatives(60, seed=5)
    texts = list(Initiative.objects.values_list("search_text", flat=True))
    texts += [search_text("ＡＢＣ　全角の英数字とカタカナ、ｶﾀｶﾅ", "a", private="山田 太郎"),
              search_text("一文字", "の", "x"), search_text(""), search_text("  改行\n\nと\tタブ "),
              search_text("絵文字🎉と結合文字が゙"), f"本文{PRIVATE_MARK}担当者"]
    with connection.cursor() as cursor:
        for text in texts:
            cursor.execute(f"SELECT {GRAMS_FUNCTION}(%s)", [text])
            assert set(cursor.fetchone()[0]) == grams(text), text
