"""The similar cases a viewer is shown are read with the scores (``similarity._shown_part``, a
part of the scoring query): the same initiatives, with the same columns, as the viewer's own
query of them (``visible_initiatives``) gives, for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from collaboration import similarity
from collaboration.models import Initiative
from collaboration.selectors import visible_initiatives
from portal.models import Municipality
from tests.conftest import HOME_CODE, OTHER_CODE

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(initiative_factory):
    made = [
        initiative_factory("除雪車の共同運行", summary="冬期の除雪を近隣の町と共同で行う。",
                           fields=("防災",), codes=(HOME_CODE,)),
        initiative_factory("除雪の共同発注", summary="除雪業務を近隣の町と共同で発注する。",
                           fields=("防災",), codes=(OTHER_CODE,)),
        initiative_factory("除雪体制の検討", summary="冬期の除雪体制を共同で検討する。",
                           fields=("防災",), codes=(OTHER_CODE,), published=False),
        initiative_factory("除雪の担い手育成", summary="除雪の担い手を近隣の町と育てる。",
                           fields=("福祉",), codes=(HOME_CODE,), published=False),
        initiative_factory("豪雪地帯の除雪共同化", summary="除雪業務を複数町村で共同発注。",
                           fields=("防災",), codes=(), scope=Initiative.Scope.OUTSIDE,
                           outside_prefecture="新潟県"),
        initiative_factory("除雪ボランティア", summary="除雪を支える担い手を育てる。",
                           fields=("福祉",), codes=("062103",), published=False),
    ]
    similarity.index_initiatives([case.pk for case in made])
    return made


def _viewers(users_by_role):
    return {**users_by_role, "anonymous": AnonymousUser()}


def _shown_rows(visible, ids) -> dict:
    """The shown part run on its own, with ``ids`` as the chosen candidates."""
    part, params = similarity._shown_part(visible) or ("", [])
    listed = ", ".join(["%s"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(f"WITH chosen AS (SELECT id AS initiative_id FROM "
                       f"{Initiative._meta.db_table} WHERE id IN ({listed})) "
                       f"SELECT NULL, NULL, NULL, NULL WHERE 1 = 0 {part}", [*ids, *params])
        return {pk: row for number, pk, row, _weight in cursor.fetchall()
                if number == similarity.SHOWN_ROW}


def _as_listed(initiative) -> tuple:
    return (initiative.pk, initiative.title, initiative.category_id, initiative.scope,
            initiative.outside_prefecture, initiative.category.label, initiative.is_outside)


@pytest.mark.parametrize("excluded", [None, HOME_CODE])
def test_the_shown_part_reads_what_the_viewers_query_reads(users_by_role, cases, excluded):
    ids = [case.pk for case in cases]
    municipality = Municipality.objects.get(lg_code=excluded) if excluded else None
    for role, user in _viewers(users_by_role).items():
        visible = similarity._visible(user, municipality)
        expected = {i.pk: _as_listed(i) for i in visible.filter(pk__in=ids)
                    .select_related("category").only(*similarity.SHOWN_FIELDS)}
        rows = _shown_rows(visible, ids)
        found = {pk: _as_listed(similarity._shown_initiative(pk, row))
                 for pk, row in rows.items()}
        assert found == expected, role
        assert 0 < len(found) or role == "anonymous" or excluded, role
    everyone = {pk for role, user in _viewers(users_by_role).items()
                for pk in _shown_rows(similarity._visible(user, None), ids)}
    assert everyone == set(ids)


def _listed(suggestions) -> list[tuple]:
    return [(*_as_listed(s.initiative), round(s.score, 12), s.words,
             [f.pk for f in s.shared_fields], [m.pk for m in s.shared_methods], s.same_category)
            for s in suggestions]


def test_each_viewer_gets_the_cases_it_may_see_in_the_order_of_everyones(
        users_by_role, prefecture_user, cases):
    # Fewer initiatives than candidates: everyone's list is the whole ranking, which a viewer
    # sees with what it may not see left out.
    for case in cases:
        everything = similarity.similar_to_initiative(prefecture_user, case, limit=20)
        assert len(everything) >= 3
        for role, user in _viewers(users_by_role).items():
            seen = set(visible_initiatives(user).values_list("pk", flat=True))
            found = similarity.similar_to_initiative(user, case, limit=20)
            assert _listed(found) == _listed([s for s in everything
                                              if s.initiative.pk in seen]), role
