"""The catalogue reads an initiative's municipalities from the set kept on its row
(``municipality_set``, services.link_sets): the facets' municipality counts, joined from the
sets in the facet query, are those counted over the participation rows, and a card names the
municipalities the participation rows name, for every reader, searched, filtered or not."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count

from collaboration import catalogue_cards, selectors
from collaboration.facet_counts import facet_counts
from collaboration.filters import InitiativeFilter
from collaboration.models import Initiative
from collaboration.services.initiatives import initiative_update
from devtools.synthetic.collaboration import generate_initiatives
from portal.models import Municipality, SiteSettings
from tests.collaboration.test_facet_counts import counted_one_by_one, in_one_query

pytestmark = pytest.mark.django_db

READERS = ["prefecture_user", "branch_user", "municipal_user", "visitor"]
ASKED = [{}, {"q": "地域"}, {"q": "水道 連携"}, {"q": "観光"}, {"region": "murayama"},
         {"category": "I-1", "status": "active"}, {"municipality": "062014", "q": "地域"}]


@pytest.fixture
def catalogue(initiative_factory, prefecture_user):
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})
    generate_initiatives(150, seed=11)
    initiative_factory("未公開の地域水道", published=False, codes=("062014", "063657"))
    initiative_factory("県外との地域連携", codes=(), scope=Initiative.Scope.OUTSIDE)
    moved = initiative_factory("地域の除雪", codes=("062014",))
    initiative_update(actor=prefecture_user, initiative=moved, values={},
                      relations={"municipalities": list(Municipality.objects.filter(
                          lg_code__in=("063657", "064611")))})


def reader_of(request, reader):
    return AnonymousUser() if reader == "visitor" else request.getfixturevalue(reader)


def filtered(user, params):
    class Asked:  # what InitiativeFilter reads of a request
        pass

    asked = Asked()
    asked.user = user
    filterset = InitiativeFilter(params, request=asked,
                                 queryset=selectors.visible_initiatives(user))
    assert filterset.is_valid(), filterset.errors
    return filterset.qs


def through_links(result) -> dict[int, int]:
    return dict(Initiative.municipalities.through.objects.filter(
        initiative__in=result.order_by().values("pk")).values_list("municipality").annotate(
        n=Count("initiative_id")))


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("params", ASKED)
def test_the_municipality_counts_are_those_of_the_participation_rows(
        request, catalogue, reader, params, django_assert_num_queries):
    user = reader_of(request, reader)
    result = filtered(user, params)
    expected = through_links(result)
    assert expected or not result.exists()
    broad = not params
    with django_assert_num_queries(1):
        counts = facet_counts(result, searched="q" in params, broad=broad)
    assert dict(counts["municipality"]) == expected
    assert in_one_query(result, searched="q" in params, broad=broad) \
        == counted_one_by_one(result)


def names_through_links(rows, choices) -> dict[int, list[str]]:
    """Each initiative's municipalities as the cards read them before: from the participation
    rows, in the facet's order (団体コード)."""
    order = {key: place for place, (key, _value, _name) in enumerate(choices["municipality"])}
    names = {key: name for key, _value, name in choices["municipality"]}
    found = {pk: [] for pk in rows.values_list("pk", flat=True)}
    for initiative, municipality in Initiative.municipalities.through.objects.filter(
            initiative_id__in=list(found)).values_list("initiative_id", "municipality_id"):
        found[initiative].append(municipality)
    return {pk: [names[m] for m in sorted(ids, key=order.__getitem__)]
            for pk, ids in found.items()}


@pytest.mark.parametrize("reader", READERS)
def test_a_card_names_the_municipalities_of_the_participation_rows(request, catalogue, reader,
                                                                   django_assert_num_queries):
    user = reader_of(request, reader)
    choices = {param: rows for param, _label, rows in selectors.facet_choices()}
    for params in ASKED:
        page = filtered(user, params).order_by("-updated_at", "-id")[:100]
        with django_assert_num_queries(1):
            cards = catalogue_cards.cards(page, choices)
        assert {card.pk: card.municipality_names for card in cards} \
            == names_through_links(page, choices)
        assert any(card.municipality_names for card in cards) or not cards
