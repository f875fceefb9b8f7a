"""An initiative's id sets (``region_set``: the regions of the municipalities taking part;
``method_set``, ``field_set``, ``municipality_set``: its methods, policy fields and
municipalities), kept on the row for the catalogue's facets and filters, follow every change
of its links and of a municipality's region, and the migrations fill them for existing
rows."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from collaboration.models import Initiative, Method, PolicyField
from collaboration.services.initiatives import initiative_create, initiative_update
from collaboration.services.link_sets import SETS, computed, decode
from devtools.synthetic.collaboration import generate_initiatives
from portal.models import Municipality, Region
from portal.services.reference import load_reference_data

pytestmark = pytest.mark.django_db


def regions_through_links(initiative) -> set[int]:
    return set(initiative.municipalities.values_list("region_id", flat=True))


def stored(initiative) -> set[int]:
    return set(decode(Initiative.objects.get(pk=initiative.pk).region_set))


def places(*codes):
    return list(Municipality.objects.filter(lg_code__in=codes))


def test_setting_the_participants_sets_the_regions(prefecture_user):
    initiative = initiative_create(actor=prefecture_user, values={
        "title": "除雪の共同化", "summary": "概要", "category_id": 1, "scope": "group"},
        relations={"methods": list(Method.objects.all()[:1]),
                   "municipalities": places("062014", "063657")})  # 山形市 (村山), 大蔵村 (最上)
    assert stored(initiative) == regions_through_links(initiative) \
        == set(Region.objects.filter(code__in=("murayama", "mogami")).values_list("pk", flat=True))
    initiative_update(actor=prefecture_user, initiative=initiative, values={},
                      relations={"municipalities": places("062031")})  # 鶴岡市 (庄内)
    assert stored(initiative) == regions_through_links(initiative) == {
        Region.objects.get(code="shonai").pk}
    initiative_update(actor=prefecture_user, initiative=initiative, values={},
                      relations={"municipalities": []})
    assert Initiative.objects.get(pk=initiative.pk).region_set == ""


def test_a_municipality_moved_to_another_region_moves_its_initiatives(initiative_factory):
    initiative = initiative_factory(codes=("062014",))  # 山形市, 村山
    yamagata = Municipality.objects.get(lg_code="062014")
    yamagata.region = Region.objects.get(code="okitama")  # as an older reference file had it
    yamagata.save()
    assert stored(initiative) != regions_through_links(initiative)
    load_reference_data()  # the shipped file puts 山形市 back in 村山
    assert stored(initiative) == regions_through_links(initiative) == {
        Region.objects.get(code="murayama").pk}


def test_setting_methods_and_fields_sets_theirs(prefecture_user):
    methods, fields = list(Method.objects.all()[:3]), list(PolicyField.objects.all()[:2])
    initiative = initiative_create(actor=prefecture_user, values={
        "title": "防災の共同研修", "summary": "概要", "category_id": 1, "scope": "group"},
        relations={"methods": methods[:2], "policy_fields": fields})
    row = Initiative.objects.get(pk=initiative.pk)
    assert set(decode(row.method_set)) == {m.pk for m in methods[:2]}
    assert set(decode(row.field_set)) == {f.pk for f in fields}
    initiative_update(actor=prefecture_user, initiative=initiative, values={},
                      relations={"methods": methods[2:], "policy_fields": []})
    row = Initiative.objects.get(pk=initiative.pk)
    assert set(decode(row.method_set)) == set(
        initiative.methods.values_list("pk", flat=True)) == {methods[2].pk}
    assert row.field_set == ""


def test_the_migration_fills_what_the_links_say():
    generate_initiatives(60, seed=3)
    columns = list(SETS)
    expected = {row[0]: row[1:] for row in Initiative.objects.values_list("pk", *columns)}
    assert all(any(values[n] for values in expected.values()) for n in range(len(columns)))
    assert expected == {pk: tuple(computed(column).get(pk, "") for column in columns)
                        for pk in expected}
    Initiative.objects.update(**{column: "" for column in columns})
    migration = importlib.import_module("collaboration.migrations.0009_initiative_link_sets")
    migration.fill_link_sets(apps, None)
    importlib.import_module("collaboration.migrations.0014_initiative_municipality_set") \
        .fill_municipality_sets(apps, None)
    assert {row[0]: row[1:] for row in Initiative.objects.values_list("pk", *columns)} \
        == expected


def test_the_filters_find_what_the_links_say(client, prefecture_user):
    generate_initiatives(80, seed=9)
    client.force_login(prefecture_user)
    asked = [({"region": region.code}, {"municipalities__region": region})
             for region in Region.objects.all()]
    asked += [({"method": method.pk}, {"methods": method}) for method in Method.objects.all()]
    asked += [({"field": field.pk}, {"policy_fields": field})
              for field in PolicyField.objects.all()[:6]]
    for params, through_links in asked:
        expected = set(Initiative.objects.filter(**through_links).values_list(
            "pk", flat=True).distinct())
        response = client.get(reverse("initiative_list"), {**params, "per_page": 100})
        page = response.context["page"]
        assert page.paginator.count == len(expected), params
        assert {initiative.pk for initiative in page} <= expected, params
