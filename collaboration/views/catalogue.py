from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from portal.lib import caching
from portal.lib.permissions import LOGGED_IN, access
from portal.public_site import PUBLIC_SITE, shared_for_anonymous

from .. import catalogue_cards, catalogue_markup, exports, selectors, synonyms
from ..facet_counts import PageSlice, counts_and_page
from ..filters import PAGE_SIZES, InitiativeFilter, ListingForm
from ..models import Category, Initiative, Method


def _filtered(request):
    """The visible initiatives the query string asks for, or None with the forms' errors."""
    filterset = InitiativeFilter(request.GET or None, request=request,
                                 queryset=selectors.visible_initiatives(request.user))
    listing = ListingForm(request.GET or None)
    valid = (not request.GET) or (filterset.is_valid() and listing.is_valid())
    if not valid:
        return filterset, listing, None
    ordering = listing.ordering() if request.GET else ("-updated_at", "-id")
    return filterset, listing, filterset.qs.order_by(*ordering)


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (counted with the facets), so it does not
    count them again."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


@shared_for_anonymous("catalogue")
@access(PUBLIC_SITE)
def initiative_list(request):
    filterset, listing, result = _filtered(request)
    context = {"filter": filterset, "listing": listing}
    if result is None:
        return render(request, "collaboration/initiative_list.html",
                      {**context, "invalid": True}, status=400)
    active = {name: value for name, value in request.GET.items()
              if name in filterset.filters and value}

    def catalogue():
        per_page = (listing.cleaned_data.get("per_page") if request.GET else None) \
            or PAGE_SIZES[0]
        asked = (listing.cleaned_data.get("page") if request.GET else None) or 1
        counts, page_rows = counts_and_page(
            result, searched=bool(active.get("q")), broad=not active,
            page=PageSlice(tuple(result.query.order_by), (asked - 1) * per_page, per_page))
        page = CountedPaginator(result, per_page, count=counts["total"][None]).get_page(asked)
        choices = selectors.facet_choices()
        facets = [*selectors.facets(counts, choices, active),
                  selectors.year_facet(counts, active)]
        known = {param: rows for param, _label, rows in choices}
        # The page's rows came with the counts unless the page asked for is past the last.
        shown = catalogue_cards.cards(page.object_list, known) \
            if page_rows is None or page.number != asked else \
            catalogue_cards.cards_of(page_rows, known)
        return caching.render("collaboration/_catalogue.html", {
            **context,
            "page": page,
            "cards": catalogue_markup.cards(shown),
            "facet_sections": catalogue_markup.facet_sections(request.GET, facets),
            "active": active,
        }, request)

    return render(request, "collaboration/initiative_list.html", {
        **context, "active": active,
        "expansions": synonyms.expansions(active.get("q", ""), synonyms.dictionary())
        if active.get("q") else [],
        "catalogue": caching.fragment(request, "catalogue", (*selectors.TOPICS, synonyms.TOPIC),
                                      (sorted(request.GET.lists()),), catalogue,
                                      reads=(Initiative,)),
    })


def _export(request, respond):
    _filterset, _listing, result = _filtered(request)
    if result is None:
        return initiative_list(request)
    return respond(selectors.with_row_fields(result), request.build_absolute_uri("/").rstrip("/"))


@access(LOGGED_IN)
def initiative_export_csv(request):
    return _export(request, exports.csv_response)


@access(LOGGED_IN)
def initiative_export_participants_csv(request):
    return _export(request, exports.participants_csv_response)


@access(LOGGED_IN)
def initiative_export_xlsx(request):
    return _export(request, exports.xlsx_response)


@shared_for_anonymous("matrix")
@access(PUBLIC_SITE)
def initiative_matrix(request):
    """The policy's table: categories × methods, with how many visible initiatives use each."""
    visible = selectors.visible_initiatives(request.user)
    counts = {
        (row["initiative__category"], row["method"]): row["n"]
        for row in Initiative.methods.through.objects.filter(initiative__in=visible.values("pk"))
        .values("initiative__category", "method").annotate(n=Count("initiative_id"))
    }
    methods = list(Method.objects.all())
    categories = Category.objects.select_related("axis").prefetch_related("main_methods")
    rows = [
        (category, [(method, counts.get((category.pk, method.pk), 0),
                     method in category.main_methods.all()) for method in methods])
        for category in categories
    ]
    return render(request, "collaboration/matrix.html", {"methods": methods, "rows": rows})
