"""The catalogue's facet counts, all read in one query (collaboration/facet_counts.py), agree
with counting each value through the ORM, and a two-character search finds what it should."""

import re

import pytest
from django.db.models import Count
from django.urls import reverse

from collaboration import selectors
from collaboration.facet_counts import facet_counts
from collaboration.models import Initiative
from devtools.synthetic.collaboration import generate_initiatives

pytestmark = pytest.mark.django_db


def counted_one_by_one(result) -> dict:
    """What each facet counts, one ORM query per facet, as the catalogue used to."""
    base = result.order_by()
    links = Initiative.municipalities.through.objects.filter(initiative__in=base.values("pk"))
    return {
        "total": base.count(),
        "category": dict(base.values_list("category").annotate(n=Count("id"))),
        "status": dict(base.values_list("status").annotate(n=Count("id"))),
        "funding": dict(base.values_list("funding").annotate(n=Count("id"))),
        "scope": dict(base.values_list("scope").annotate(n=Count("id"))),
        "model": {True: base.filter(is_model=True).count()},
        "year": dict(base.exclude(start_year=None).values_list("start_year")
                     .annotate(n=Count("id"))),
        "method": dict(Initiative.methods.through.objects.filter(
            initiative__in=base.values("pk")).values_list("method").annotate(
            n=Count("initiative_id"))),
        "field": dict(Initiative.policy_fields.through.objects.filter(
            initiative__in=base.values("pk")).values_list("policyfield").annotate(
            n=Count("initiative_id"))),
        "municipality": dict(links.values_list("municipality").annotate(
            n=Count("initiative_id"))),
        "region": dict(links.values_list("municipality__region").annotate(
            n=Count("initiative_id", distinct=True))),
    }


def in_one_query(result, **options) -> dict:
    counts = facet_counts(result, **options)
    found = {facet: {key: n for key, n in values.items() if n}
             for facet, values in counts.items() if facet != "total"}
    found["model"] = {True: counts["model"][True]}
    return {"total": counts["total"][None], **found}


@pytest.mark.parametrize("filters", [{}, {"status": Initiative.Status.ACTIVE},
                                     {"municipalities__lg_code": "062014"},
                                     {"is_published": True}])
def test_one_query_counts_what_each_facet_counted_alone(prefecture_user, filters,
                                                        django_assert_num_queries):
    generate_initiatives(120, seed=5)
    result = selectors.visible_initiatives(prefecture_user).filter(**filters)
    expected = counted_one_by_one(result)
    assert expected["total"] > 0 and expected["region"]
    with django_assert_num_queries(1):
        assert in_one_query(result) == expected
    if not filters:  # the reader's whole scope: published ones from the tally
        with django_assert_num_queries(1):
            assert in_one_query(result, broad=True) == expected


@pytest.mark.parametrize("words", ["水道", "地域 連携", "観光"])
def test_a_search_selected_once_counts_what_each_facet_counted_alone(prefecture_user, words,
                                                                     django_assert_num_queries):
    from collaboration.search import matching

    generate_initiatives(120, seed=5)
    result = selectors.visible_initiatives(prefecture_user).filter(matching(words))
    expected = counted_one_by_one(result)
    assert expected["total"] > 0
    with django_assert_num_queries(1):
        assert in_one_query(result, searched=True) == expected
    assert in_one_query(result) == expected


def test_counts_follow_the_users_scope(municipal_user, initiative_factory):
    initiative_factory("水道の共同発注", published=False, codes=("063657",))
    initiative_factory("水道事業の広域連携")
    result = selectors.visible_initiatives(municipal_user)
    assert in_one_query(result) == counted_one_by_one(result) == in_one_query(result, broad=True)
    assert facet_counts(result)["total"][None] == 1


def shown_titles(response) -> set[str]:
    return set(re.findall(r'class="initiative__title"><a href="[^"]+">([^<]+)</a>',
                          response.content.decode()))


def test_a_two_character_search_finds_its_rows_and_counts_them(client, municipal_user,
                                                               initiative_factory):
    initiative_factory("水道事業のあり方検討", fields=("防災",))
    initiative_factory("道の駅と水の事業", fields=("観光",))  # 水 and 道, never 水道
    initiative_factory("上下水道の共同発注", fields=("防災",), codes=("063657",))
    client.force_login(municipal_user)
    response = client.get(reverse("initiative_list"), {"q": "水道"})
    assert shown_titles(response) == {"水道事業のあり方検討", "上下水道の共同発注"}
    # The facet counts the two found.
    assert re.search(r">防災</a> \(2\)", response.content.decode())


def test_a_two_character_search_finds_the_words_of_its_group(client, municipal_user,
                                                             initiative_factory):
    initiative_factory("インバウンド誘客の推進", fields=("環境",))
    initiative_factory("観光案内の共同化", fields=("環境",))
    initiative_factory("水道事業の広域連携")
    client.force_login(municipal_user)
    response = client.get(reverse("initiative_list"), {"q": "観光"})
    # 観光's group in the starter dictionary: 誘客, インバウンド, ツーリズム.
    assert shown_titles(response) == {"インバウンド誘客の推進", "観光案内の共同化"}
    assert re.search(r">環境</a> \(2\)", response.content.decode())


def test_the_facet_choices_are_each_tables_rows_in_its_order_read_in_one_query(
        django_assert_num_queries):
    from collaboration.models import Category, Method, PolicyField
    from collaboration.selectors import facet_choices
    from portal.models import Municipality, Region

    # Ties in the sort order are taken in id order, as the list pages show them.
    Method.objects.create(name="同順位の手法", sort_order=Method.objects.first().sort_order)
    PolicyField.objects.create(name="<同順位の分野>", sort_order=0)
    with django_assert_num_queries(1):
        choices = {param: rows for param, _label, rows in facet_choices()}
    assert choices["region"] == [(r.pk, r.code, r.name)
                                 for r in Region.objects.order_by("sort_order", "pk")]
    assert choices["category"] == [(c.pk, c.code, f"{c.label} {c.name}")
                                   for c in Category.objects.order_by("sort_order", "pk")]
    assert choices["method"] == [(m.pk, str(m.pk), m.name) for m in Method.objects.all()]
    assert choices["field"] == [(f.pk, str(f.pk), f.name) for f in PolicyField.objects.all()]
    assert choices["municipality"] == [(m.pk, m.lg_code, m.name)
                                       for m in Municipality.objects.all()]
    assert len(choices["municipality"]) == 35 and choices["field"][0][2] == "<同順位の分野>"
