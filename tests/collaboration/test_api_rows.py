"""The initiatives list writes each row as ``InitiativeSerializer`` does (the serializer
describes the list in the OpenAPI document and writes the detail)."""

import json

import pytest
from django.urls import reverse
from rest_framework.test import APIRequestFactory

from collaboration.api.rows import initiative_rows, page_rows
from collaboration.api.serializers import InitiativeSerializer
from collaboration.api.views import _with_details
from collaboration.filters import SORTS
from collaboration.models import Initiative
from portal.models import Organisation, SiteSettings
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db


@pytest.fixture
def varied(db):
    """Initiatives with and without each optional part."""
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    city = Organisation.objects.get(municipality__lg_code="062014")
    bodies = list(Organisation.objects.filter(municipality__isnull=True).order_by("pk")[:3])
    origin = make_initiative("<原型> & \"引用\"", lead_organisation=city, is_model=True,
                             methods=("事務や施設等の共同化", "人材の確保・育成"),
                             fields=("水道", "観光", "防災"), codes=("062014", "063657", "062031"),
                             start_year=2024, end_year=2026, outcomes="成果",
                             funding=Initiative.Funding.choices[0][0])
    hidden = make_initiative("非公開", published=False)
    make_initiative("公開元からの横展開", spread_from=origin, lead_organisation=bodies[0],
                    outside_prefecture="宮城県", methods=(), fields=(), codes=())
    make_initiative("非公開元からの横展開", spread_from=hidden, is_demo=True)
    last = make_initiative("他の団体と", codes=("064611",))
    last.other_bodies.set(bodies)
    return origin


def test_each_row_is_written_as_the_serializer_writes_it(varied):
    request = APIRequestFactory().get("/api/v1/initiatives/")
    published = Initiative.objects.filter(is_published=True)
    assert published.count() == 4
    for order in SORTS.values():
        queryset = published.order_by(*order)
        expected = InitiativeSerializer(list(_with_details(queryset)), many=True,
                                        context={"request": request}).data
        written = initiative_rows(list(page_rows(queryset)), request)
        # Byte for byte as the response writes them: the same keys in the same order.
        assert json.dumps(written, ensure_ascii=False) == json.dumps(expected,
                                                                     ensure_ascii=False)
    rows = {row["id"]: row for row in written}
    assert rows[varied.pk]["lead_organisation"]["lg_code"] == "062014"
    assert [m["lg_code"] for m in rows[varied.pk]["municipalities"]] == [
        "062014", "062031", "063657"]
    assert sum(len(row["other_bodies"]) for row in written) == 3


def test_the_list_serves_the_rows_and_each_row_matches_its_detail(client, varied,
                                                                 django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        listing = client.get(reverse("api_initiatives")).json()["results"]
    assert len(listing) == 4
    for row in listing:
        assert client.get(reverse("api_initiative", args=[row["id"]])).json() == row
