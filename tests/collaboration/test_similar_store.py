"""The kept lists of similar cases (collaboration/similar_store.py): what an initiative's page
reads instead of scoring the index gives what the lookup gives, to every kind of reader, and
stays in step as initiatives change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collaboration import similar_store
from collaboration.models import Initiative, SimilarCase
from collaboration.similar_store import similar_to_initiative
from collaboration.similarity import similar_to_initiative as looked_up_cases
from collaboration.tasks import index_initiatives
from portal.models import SiteSettings

pytestmark = pytest.mark.django_db


def shown(suggestions) -> list[tuple]:
    return [(s.initiative.pk, s.initiative.title, s.initiative.category.label,
             s.initiative.scope, s.initiative.outside_prefecture, round(s.score, 9),
             [f.pk for f in s.shared_fields], [m.pk for m in s.shared_methods], s.words,
             s.same_category) for s in suggestions]


def both_ways(user, initiative) -> tuple[list, list]:
    fields, methods = list(initiative.policy_fields.all()), list(initiative.methods.all())
    kept = similar_to_initiative(user, initiative, fields=fields, methods=methods)
    looked_up = looked_up_cases(user, initiative, fields=fields, methods=methods)
    return shown(kept), shown(looked_up)


@pytest.fixture
def catalogue():
    """A few hundred synthetic initiatives, some unpublished, with their kept lists."""
    from devtools.synthetic.collaboration import generate_initiatives

    generate_initiatives(240, seed=7)
    similar_store.rebuild_all()
    initiatives = list(Initiative.objects.select_related("category").order_by("pk"))
    assert any(not i.is_published for i in initiatives)
    return initiatives


def test_the_kept_lists_give_staff_what_the_lookup_gives(prefecture_user, catalogue):
    assert SimilarCase.objects.count() > 10 * len(catalogue)
    for initiative in catalogue[::6]:
        kept, looked_up = both_ways(prefecture_user, initiative)
        assert kept == looked_up and len(kept) == 5


def test_readers_who_see_less_get_what_the_lookup_gives_them(municipal_user, catalogue):
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    for reader in (municipal_user, AnonymousUser()):
        read_kept = 0
        for initiative in catalogue[::10]:
            with CaptureQueriesContext(connection) as queries:
                kept, looked_up = both_ways(reader, initiative)
            # Only the lookup asked for comparison scored the index: the kept list answered.
            read_kept += sum("WITH q(need" in q["sql"] for q in queries) == 1
            assert kept == looked_up
            assert all(Initiative.objects.get(pk=case[0]).is_published or reader.is_authenticated
                       for case in kept)
        assert read_kept >= 10, reader


def test_a_kept_list_is_read_in_one_query(prefecture_user, catalogue):
    initiative = catalogue[3]
    fields, methods = list(initiative.policy_fields.all()), list(initiative.methods.all())
    with CaptureQueriesContext(connection) as queries:
        found = similar_to_initiative(prefecture_user, initiative, fields=fields,
                                      methods=methods)
    assert len(found) == 5 and len(queries) == 1
    SimilarCase.objects.filter(initiative=initiative).delete()  # no list: looked up
    with CaptureQueriesContext(connection) as queries:
        assert shown(similar_to_initiative(prefecture_user, initiative, fields=fields,
                                           methods=methods)) == shown(found)
    assert len(queries) > 1


def test_a_new_initiative_joins_the_lists_of_the_cases_it_is_like(prefecture_user, catalogue):
    original = catalogue[0]
    twin = Initiative.objects.create(
        title=original.title, summary=original.summary, body=original.body,
        category=original.category, scope=original.scope, is_published=True)
    twin.methods.set(original.methods.all())
    twin.policy_fields.set(original.policy_fields.all())
    from collaboration.services.link_sets import refresh_of

    refresh_of(twin)
    index_initiatives([twin.pk])  # as the task does after the commit
    kept, looked_up = both_ways(prefecture_user, original)
    assert kept[0][0] == twin.pk and kept == looked_up
    assert both_ways(prefecture_user, twin)[0][0][0] == original.pk

    # Rewritten about something else, it leaves the list it was in; removed, it is gone.
    twin.title, twin.summary, twin.body = "全く別の話題", "関係のない内容", ""
    twin.save()
    twin.policy_fields.clear()
    twin.methods.clear()
    refresh_of(twin)
    index_initiatives([twin.pk])
    assert twin.pk not in [case[0] for case in both_ways(prefecture_user, original)[0]]
    twin.delete()
    assert not SimilarCase.objects.filter(case_id=twin.pk).exists()


def test_initiatives_beyond_a_tasks_bound_are_looked_up(prefecture_user, catalogue,
                                                       monkeypatch):
    monkeypatch.setattr(similar_store, "REFRESHED_AT_MOST", 2)
    changed = [i.pk for i in catalogue[:5]]
    assert similar_store.refresh(changed) == 2
    # Without a list (the three beyond the bound) an initiative is looked up, as before.
    assert set(SimilarCase.objects.filter(initiative_id__in=changed).values_list(
        "initiative_id", flat=True)) == set(changed[:2])
    for initiative in catalogue[2:5]:
        kept, looked_up = both_ways(prefecture_user, initiative)
        assert kept == looked_up and kept
