import pytest

from portal.models import Municipality, Organisation, Region, SubArea
from portal.services.reference import load_reference_data

pytestmark = pytest.mark.django_db


def test_four_regions_with_their_branch_offices_and_liaison_rooms():
    regions = list(Region.objects.values_list("name", "office_name", "liaison_room_name"))
    assert [name for name, _office, _room in regions] == ["村山", "最上", "置賜", "庄内"]
    assert ("庄内", "庄内総合支庁", "庄内総合支庁 連携支援室") in regions


def test_murayama_has_three_sub_areas():
    assert list(SubArea.objects.values_list("name", flat=True)) == ["東南村山", "西村山", "北村山"]
    assert set(SubArea.objects.values_list("region__code", flat=True)) == {"murayama"}


def test_35_municipalities_in_code_order_with_kinds_and_regions():
    municipalities = list(Municipality.objects.all())
    assert len(municipalities) == 35
    assert [m.lg_code for m in municipalities] == sorted(m.lg_code for m in municipalities)
    counts = {kind: Municipality.objects.filter(kind=kind).count()
              for kind in ("city", "town", "village")}
    assert counts == {"city": 13, "town": 19, "village": 3}
    okura = Municipality.objects.get(name="大蔵村")
    assert (okura.lg_code, okura.kana, okura.region.code) == ("063657", "おおくらむら", "mogami")
    assert Municipality.objects.get(name="河北町").subarea.name == "西村山"


def test_each_municipality_is_an_organisation():
    assert Organisation.objects.filter(kind="municipality").count() == 35
    assert Organisation.objects.get(municipality__lg_code="064611").region.code == "shonai"


def test_loading_again_changes_and_duplicates_nothing():
    before = (Region.objects.count(), Municipality.objects.count(), Organisation.objects.count())
    tampered = Municipality.objects.get(lg_code="062014")
    tampered.name = "誤記"
    tampered.save()
    load_reference_data()
    after = (Region.objects.count(), Municipality.objects.count(), Organisation.objects.count())
    assert before == after
    assert Municipality.objects.get(lg_code="062014").name == "山形市"
