"""The facets' tally (collaboration/facet_tally.py) follows every change of initiatives and
their links, and the whole catalogue's counts read from it are those each facet counts alone,
for every reader."""

import importlib
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from collaboration import facet_tally, selectors
from collaboration.models import (
    Category,
    FacetCounted,
    FacetTally,
    Initiative,
    Method,
    PolicyField,
)
from collaboration.services.initiatives import initiative_create, initiative_update
from devtools.synthetic.collaboration import generate_initiatives
from portal.models import Municipality, SiteSettings
from tests.collaboration.test_facet_counts import counted_one_by_one, in_one_query

pytestmark = pytest.mark.django_db


def kept() -> dict:
    return {(p, f, k): n for p, f, k, n in FacetTally.objects.values_list(
        "published", "facet", "key", "initiatives") if n}


def counted_afresh() -> dict:
    before = kept()
    facet_tally.rebuild()
    return before, kept()


def places(*codes):
    return list(Municipality.objects.filter(lg_code__in=codes))


def test_the_tally_follows_each_change(prefecture_user):
    generate_initiatives(40, seed=2)
    methods, fields = list(Method.objects.all()), list(PolicyField.objects.all())
    made = initiative_create(actor=prefecture_user, values={
        "title": "除雪の共同化", "summary": "概要", "category_id": Category.objects.first().pk,
        "scope": "group", "start_year": 2024},
        relations={"methods": methods[:2], "policy_fields": fields[:1],
                   "municipalities": places("062014", "063657")})
    before, afresh = counted_afresh()
    assert before == afresh
    initiative_update(actor=prefecture_user, initiative=made, values={
        "status": Initiative.Status.DONE, "is_published": True, "is_model": True,
        "start_year": None, "category_id": Category.objects.last().pk},
        relations={"methods": methods[2:3], "municipalities": places("062031")})
    before, afresh = counted_afresh()
    assert before == afresh
    # From the other side of the links, and cleared.
    other = Initiative.objects.exclude(pk=made.pk).first()
    methods[5].initiatives.add(made, other)
    Municipality.objects.get(lg_code="062031").initiatives.remove(made)
    fields[3].initiatives.clear()
    before, afresh = counted_afresh()
    assert before == afresh
    made.delete()
    before, afresh = counted_afresh()
    assert before == afresh
    assert FacetCounted.objects.count() == Initiative.objects.count()


def test_a_refresh_twice_changes_nothing(prefecture_user):
    generate_initiatives(20, seed=4)
    before = kept()
    for pk in Initiative.objects.values_list("pk", flat=True):
        facet_tally.refresh(pk)
    assert kept() == before


@pytest.mark.parametrize("reader", ["prefecture_user", "branch_user", "municipal_user",
                                    "visitor"])
def test_the_whole_scope_counts_what_each_facet_counted_alone(request, reader,
                                                               initiative_factory,
                                                               django_assert_num_queries):
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    generate_initiatives(120, seed=5)
    initiative_factory("未公開の水道", published=False, codes=("062014",))  # 村山, 山形市
    initiative_factory("未公開の除雪", published=False, codes=("063657", "064611"))
    user = AnonymousUser() if reader == "visitor" else request.getfixturevalue(reader)
    result = selectors.visible_initiatives(user)
    expected = counted_one_by_one(result)
    assert expected["total"] > 0
    with django_assert_num_queries(1):
        assert in_one_query(result, broad=True) == expected
    assert in_one_query(result) == expected


def test_the_migration_counts_what_rebuild_counts():
    generate_initiatives(60, seed=3)
    expected = kept()
    FacetTally.objects.all().delete()
    FacetCounted.objects.all().delete()
    importlib.import_module("collaboration.migrations.0012_facet_tally").count_facets(apps, None)
    assert kept() != expected  # the trend's counts came later
    started = importlib.import_module("collaboration.migrations.0013_facet_tally_started")
    started.count_started(apps, None)
    assert kept() == expected
    started.count_started(apps, None)
    assert kept() == expected
    assert FacetCounted.objects.count() == Initiative.objects.count()


def trend_counted_alone(visible) -> Counter:
    return Counter({(year, category): n for year, category, n in visible.order_by().exclude(
        start_year=None).values_list("start_year", "category").annotate(n=Count("id"))})


@pytest.mark.parametrize(("reader", "queries"), [("prefecture_user", 1), ("branch_user", 2),
                                                 ("municipal_user", 2)])
def test_the_trend_reads_the_tally_and_counts_what_a_reader_sees(
        request, reader, queries, initiative_factory, django_assert_num_queries):
    generate_initiatives(120, seed=6)
    hidden = initiative_factory("未公開の水道", published=False, codes=("062014",))
    Initiative.objects.filter(pk=hidden.pk).update(start_year=2021)
    facet_tally.refresh(hidden.pk)
    initiative_factory("未公開の除雪", published=False, codes=("063657", "064611"))
    visible = selectors.visible_initiatives(request.getfixturevalue(reader))
    expected = trend_counted_alone(visible)
    assert sum(expected.values()) > 0
    with django_assert_num_queries(queries):
        assert +facet_tally.started_counts(visible, whole_scope=True) == expected
    assert +facet_tally.started_counts(visible) == expected
    # Not a whole scope: counted, never read from the tally.
    some = visible.filter(status=Initiative.Status.ACTIVE)
    assert +facet_tally.started_counts(some) == trend_counted_alone(some)


def test_the_trend_follows_a_change(prefecture_user):
    generate_initiatives(30, seed=7)
    everything = Initiative.objects.all()
    made = Initiative.objects.filter(start_year__isnull=False).first()
    initiative_update(actor=prefecture_user, initiative=made, values={
        "start_year": 2001, "category_id": Category.objects.last().pk}, relations={})
    assert facet_tally.started_counts(everything)[(2001, Category.objects.last().pk)] >= 1
    assert +facet_tally.started_counts(everything) == trend_counted_alone(everything)
