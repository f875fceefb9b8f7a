"""A filtered or searched catalogue's page of cards is read with its facet counts
(facet_counts.counts_and_page): the same initiatives, in the same order, as the page's slice
of the result, for every sort, page and scope; the page is served the same."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration import selectors
from collaboration.facet_counts import PageSlice, counts_and_page, facet_counts
from collaboration.filters import SORTS
from collaboration.models import Initiative
from collaboration.search import matching
from devtools.synthetic.collaboration import generate_initiatives

pytestmark = pytest.mark.django_db
POSTGRES = pytest.mark.skipif(connection.vendor != "postgresql",
                              reason="the page's ids come with the counts on PostgreSQL")


@pytest.fixture
def catalogue(db):
    generate_initiatives(120, seed=5)
    # Ties and blanks, so the second key of each order decides.
    some = list(Initiative.objects.order_by("pk").values_list("pk", flat=True)[:40])
    Initiative.objects.filter(pk__in=some[:20]).update(
        updated_at=Initiative.objects.get(pk=some[0]).updated_at, start_year=None)
    Initiative.objects.filter(pk__in=some[20:]).update(title="【合成】同じ題名", start_year=2020,
                                                       end_year=None)


def _ids(rows: str) -> list[int]:
    return [row[0] for row in json.loads(rows)]


def test_a_pages_rows_are_what_its_cards_show(catalogue, prefecture_user):
    from collaboration import catalogue_cards

    result = selectors.visible_initiatives(prefecture_user).filter(matching("連携")) \
        .order_by(*SORTS["-updated"])
    known = {param: rows for param, _label, rows in selectors.facet_choices()}
    expected = catalogue_cards.cards(result[:20], known)
    if connection.vendor == "postgresql":
        _counts, rows = counts_and_page(result, page=PageSlice(SORTS["-updated"], 0, 20))
        assert catalogue_cards.cards_of(rows, known) == expected
    assert len(expected) == 20 and any(card.municipality_names for card in expected)


@POSTGRES
@pytest.mark.parametrize("sort", list(SORTS))
@pytest.mark.parametrize("offset, limit", [(0, 20), (20, 20), (0, 50), (100, 20), (400, 20)])
@pytest.mark.parametrize("narrowed", ["search", "status"])
def test_the_page_ids_are_the_results_slice(catalogue, prefecture_user, sort, offset, limit,
                                            narrowed):
    visible = selectors.visible_initiatives(prefecture_user)
    result = (visible.filter(matching("連携")) if narrowed == "search"
              else visible.filter(status=Initiative.Status.ACTIVE)).order_by(*SORTS[sort])
    counts, rows = counts_and_page(result, page=PageSlice(SORTS[sort], offset, limit))
    assert _ids(rows) == list(result.values_list("pk", flat=True)[offset:offset + limit])
    assert counts == facet_counts(result)
    assert 0 < counts["total"][None] < Initiative.objects.count()


@POSTGRES
def test_a_municipalitys_page_ids_stay_in_its_scope(catalogue, municipal_user):
    Initiative.objects.filter(pk__in=Initiative.objects.order_by("pk")[:30].values("pk")) \
        .update(is_published=False)
    result = selectors.visible_initiatives(municipal_user).filter(matching("連携")) \
        .order_by(*SORTS["title"])
    _counts, rows = counts_and_page(result, page=PageSlice(SORTS["title"], 0, 100))
    ids = _ids(rows)
    assert ids == list(result.values_list("pk", flat=True)[:100])
    assert set(ids) <= set(selectors.visible_initiatives(municipal_user)
                           .values_list("pk", flat=True))


def test_the_whole_scope_has_no_page_ids(catalogue, prefecture_user):
    # Unfiltered, the counts come from the tally and the page from the recency index.
    result = selectors.visible_initiatives(prefecture_user).order_by(*SORTS["-updated"])
    assert counts_and_page(result, broad=True, page=PageSlice(SORTS["-updated"], 0, 20))[1] \
        is None


def _shown_ids(response) -> list[int]:
    return [int(pk) for pk in re.findall(
        r'class="initiative__title"><a href="/initiatives/(\d+)/"', response.content.decode())]


@pytest.mark.parametrize("query, narrowed, sort, page, per_page", [
    ("q=連携", {"q": "連携"}, "-updated", 1, 20),
    ("q=連携&sort=title&page=2", {"q": "連携"}, "title", 2, 20),
    ("status=active&sort=-start&per_page=50", {"status": "active"}, "-start", 1, 50),
    ("q=連携&sort=start&page=999", {"q": "連携"}, "start", None, 20),  # past the last: the last
    ("q=存在しない語句", {"q": "存在しない語句"}, "-updated", 1, 20),
])
def test_the_catalogue_shows_the_pages_cards_in_order(client, catalogue, prefecture_user,
                                                      settings, query, narrowed, sort, page,
                                                      per_page):
    settings.PAGE_CACHE = False
    client.force_login(prefecture_user)
    result = selectors.visible_initiatives(prefecture_user)
    result = (result.filter(matching(narrowed["q"])) if "q" in narrowed
              else result.filter(status=narrowed["status"])).order_by(*SORTS[sort])
    ids = list(result.values_list("pk", flat=True))
    if page is None:
        page = max(1, -(-len(ids) // per_page))
    with CaptureQueriesContext(connection) as queries:
        served = client.get(f"{reverse('initiative_list')}?{query}")
    assert served.status_code == 200
    assert _shown_ids(served) == ids[(page - 1) * per_page:page * per_page]
    # The cards are read in the statement that counts the facets, not by sorting the search's
    # rows again, except past the last page, whose slice is read on its own after it.
    cards = [q["sql"] for q in queries.captured_queries if '"summary"' in q["sql"]]
    past_the_last = "page=999" in query
    if connection.vendor == "postgresql":
        assert len(cards) == (2 if past_the_last else 1)
        assert cards[0].startswith("WITH r AS")
    else:  # no page comes with the counts: the slice is read on its own
        assert len(cards) == (1 if ids else 0)
        assert not any(sql.startswith("WITH r AS") for sql in cards)
