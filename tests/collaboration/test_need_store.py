"""The kept lists of needs' similar cases (collaboration/need_store.py): what a municipality's
page and a survey's results read instead of scoring the index gives what the lookup gives, to
every kind of reader, and stays in step as initiatives and the synonym dictionary change."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from collaboration import need_store, similar_store, similarity, synonyms
from collaboration.models import Initiative, NeedCase, NeedList, SynonymGroup
from collaboration.similarity import Need
from collaboration.tasks import index_initiatives
from portal.lib import caching
from portal.models import Municipality, SiteSettings
from tests.collaboration.test_similar_store import shown

pytestmark = pytest.mark.django_db


def scorings(queries) -> int:
    return sum("WITH q(need" in q["sql"] for q in queries)


@pytest.fixture
def catalogue():
    """A few hundred synthetic initiatives, some unpublished, with the index and kept lists."""
    from devtools.synthetic.collaboration import generate_initiatives

    generate_initiatives(240, seed=7)
    similar_store.rebuild_all()
    return list(Initiative.objects.prefetch_related("policy_fields", "methods").order_by("pk"))


def needs_like(initiatives) -> list[Need]:
    """Needs written as a municipality would: an initiative's words, fields and methods."""
    return [Need(text=f"{i.summary}\n{i.title}の検討", title="",
                 field_names=[f.name for f in i.policy_fields.all()],
                 method_names=[m.name for m in i.methods.all()][:1]) for i in initiatives]


def test_a_need_asked_again_reads_its_kept_list(prefecture_user, catalogue):
    needs = needs_like(catalogue[::40])
    # Each need as if asked alone: a lookup of several together reads fewer rows for each.
    looked_up = [shown(similarity.similar_to_need(prefecture_user, need)) for need in needs]
    with CaptureQueriesContext(connection) as queries:
        first = need_store.similar_to_needs(prefecture_user, needs)
    assert scorings(queries) == 1 and NeedList.objects.count() == len(needs)
    caching.bump(caching.EVERYTHING)  # the synonyms are read afresh, as on a cold page
    with CaptureQueriesContext(connection) as queries:
        again = need_store.similar_to_needs(prefecture_user, needs)
    assert scorings(queries) == 0
    # The synonym dictionary, the needs' fields and methods (one query), the kept lists.
    assert len(queries) == 3
    assert [shown(found) for found in first] == [shown(found) for found in again] == looked_up
    assert all(len(found) == 5 for found in looked_up)


def test_readers_who_see_less_get_what_the_lookup_gives_them(municipal_user, catalogue):
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    needs = needs_like(catalogue[::12])
    need_store.similar_to_needs(AnonymousUser(), needs)  # made alike for whoever asks first
    for reader in (municipal_user, AnonymousUser()):
        read_kept = 0
        for need in needs:
            with CaptureQueriesContext(connection) as queries:
                kept = need_store.similar_to_need(reader, need)
            read_kept += scorings(queries) == 0
            assert shown(kept) == shown(similarity.similar_to_need(reader, need))
            assert all(s.initiative.pk in set(Initiative.objects.filter(
                is_published=True).values_list("pk", flat=True)) or reader.is_authenticated
                for s in kept)
        assert read_kept >= len(needs) // 2, reader


@pytest.mark.parametrize("reader", ["prefecture_user", "municipal_user"])
def test_a_municipality_is_not_offered_what_it_takes_part_in(reader, request, catalogue):
    # The prefecture sees every initiative (no scope condition), a municipality's staff not.
    user = request.getfixturevalue(reader)
    need = needs_like([catalogue[5]])[0]
    best = need_store.similar_to_need(user, need)
    municipality = Municipality.objects.filter(
        initiatives=best[0].initiative).order_by("lg_code").first()
    excluded = need_store.similar_to_need(user, need, exclude_municipality=municipality)
    assert shown(excluded) == shown(similarity.similar_to_need(
        user, need, exclude_municipality=municipality))
    assert best[0].initiative.pk not in [s.initiative.pk for s in excluded]
    assert not Initiative.objects.filter(pk__in=[s.initiative.pk for s in excluded],
                                         municipalities=municipality).exists()


def test_a_need_like_nothing_is_kept_empty(prefecture_user, catalogue):
    need = Need(text="ぬぬぬぬ")
    assert need_store.similar_to_need(prefecture_user, need) == []
    with CaptureQueriesContext(connection) as queries:
        assert need_store.similar_to_need(prefecture_user, need) == []
    assert scorings(queries) == 0 and NeedList.objects.count() == 1


def test_two_requests_keeping_one_list_keep_it_once(prefecture_user, catalogue):
    need = needs_like([catalogue[7]])[0]
    key = need_store._key(need, synonyms.digest())
    framework = similarity.needs_framework([need])
    assert need_store._keep([key], [need], framework)
    # As a second request that found no list at the same moment keeps it.
    assert need_store._keep([key], [need], framework)
    assert NeedList.objects.count() == 1
    assert NeedCase.objects.count() == len(need_store._made([need])[0]) > 5
    assert shown(need_store.similar_to_need(prefecture_user, need)) == shown(
        similarity.similar_to_need(prefecture_user, need))


def test_a_new_initiative_joins_the_lists_of_needs_it_is_like(prefecture_user, catalogue):
    original = catalogue[0]
    need = needs_like([original])[0]
    need_store.similar_to_need(prefecture_user, need)
    twin = Initiative.objects.create(
        title=f"{original.title}の検討", summary=original.summary, category=original.category,
        scope=original.scope, is_published=True)
    twin.policy_fields.set(original.policy_fields.all())
    twin.methods.set(list(original.methods.all())[:1])
    from collaboration.services.link_sets import refresh_of

    refresh_of(twin)
    index_initiatives([twin.pk])  # as the task does after the commit
    kept = need_store.similar_to_need(prefecture_user, need)
    assert twin.pk in [s.initiative.pk for s in kept]
    assert shown(kept) == shown(similarity.similar_to_need(prefecture_user, need))
    twin.delete()
    assert twin.pk not in [s.initiative.pk for s in need_store.similar_to_need(
        prefecture_user, need)]


def test_lists_beyond_the_bound_are_dropped_and_made_again(prefecture_user, catalogue,
                                                         monkeypatch):
    needs = needs_like(catalogue[:5])
    for need in needs:  # asked one after another: the last ones are the most recent
        need_store.similar_to_need(prefecture_user, need)
    monkeypatch.setattr(need_store, "REFRESHED_AT_MOST", 2)
    assert need_store.refresh() == 2
    assert NeedList.objects.count() == 2
    with CaptureQueriesContext(connection) as queries:
        again = [need_store.similar_to_need(prefecture_user, need) for need in needs]
    assert scorings(queries) == 3  # the three dropped were looked up and kept again
    assert [shown(found) for found in again] == [
        shown(similarity.similar_to_need(prefecture_user, need)) for need in needs]


def test_a_new_synonym_asks_a_need_afresh(prefecture_user, catalogue,
                                          django_capture_on_commit_callbacks):
    need = Need(text="ICTの共同調達を進めたい")
    need_store.similar_to_need(prefecture_user, need)
    with django_capture_on_commit_callbacks(execute=True):
        SynonymGroup.objects.create(words=["共同調達", "一括購入"])
    with CaptureQueriesContext(connection) as queries:
        found = need_store.similar_to_need(prefecture_user, need)
    assert scorings(queries) == 1 and NeedList.objects.count() == 2
    assert shown(found) == shown(similarity.similar_to_need(prefecture_user, need))


def test_a_needs_fields_and_methods_are_read_at_once_in_its_order(db):
    from collaboration.models import Method, PolicyField

    fields = list(PolicyField.objects.order_by("sort_order")[:2])
    method = Method.objects.order_by("sort_order").first()
    needs = [Need(field_names=[fields[1].name, "存在しない分野", fields[0].name]),
             Need(method_names=[method.name])]
    with CaptureQueriesContext(connection) as queries:
        framework = similarity.needs_framework(needs)
    assert len(queries) == 1
    assert [[f.pk for f in chosen] for chosen, _methods in framework] == [
        [fields[1].pk, fields[0].pk], []]
    assert [[m.name for m in methods] for _fields, methods in framework] == [[], [method.name]]
    assert similarity.needs_framework([Need(text="分野なし")]) == [([], [])]
