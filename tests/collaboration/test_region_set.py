"""An initiative's ``region_set`` (the regions of the municipalities taking part, kept on the
row for the catalogue's region facet and filter) follows every change of who takes part and
of a municipality's region, and the migration fills it for existing rows."""

import importlib

import pytest
from django.apps import apps
from django.urls import reverse

from collaboration.models import Initiative, Method
from collaboration.services.initiatives import initiative_create, initiative_update
from collaboration.services.participation import decode, region_sets
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


def test_the_migration_fills_what_the_links_say():
    generate_initiatives(60, seed=3)
    expected = {pk: value for pk, value in Initiative.objects.values_list("pk", "region_set")}
    assert any(expected.values()) and expected == {
        pk: region_sets().get(pk, "") for pk in expected}
    Initiative.objects.update(region_set="")
    migration = importlib.import_module("collaboration.migrations.0009_initiative_region_set")
    migration.fill_region_sets(apps, None)
    assert dict(Initiative.objects.values_list("pk", "region_set")) == expected


def test_the_region_filter_finds_the_initiatives_taking_part_there(client, prefecture_user):
    generate_initiatives(80, seed=9)
    client.force_login(prefecture_user)
    for region in Region.objects.all():
        taking_part = set(Initiative.objects.filter(
            municipalities__region=region).values_list("title", flat=True).distinct())
        response = client.get(reverse("initiative_list"),
                              {"region": region.code, "per_page": 100})
        page = response.content.decode()
        assert taking_part and all(title in page for title in taking_part)
        assert response.context["page"].paginator.count == len(taking_part)
