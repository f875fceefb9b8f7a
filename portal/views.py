from decimal import Decimal

from django.shortcuts import render
from django.utils.translation import gettext as _

from . import attention, selectors
from .charts import bar_chart
from .models import Indicator, Municipality
from .permissions import LOGGED_IN, VIEW, access, get_object_or_404
from .tilemap import region_tile_map


@access(LOGGED_IN)
def home(request):
    return render(request, "portal/home.html", {
        "items": attention.items_for(request.user),
    })


@access(LOGGED_IN)
def municipality_list(request):
    groups = selectors.municipalities_by_region(request.user)
    return render(request, "portal/municipality_list.html", {
        "groups": groups,
        "tile_map": region_tile_map(m for _region, members in groups for m in members),
    })


@access(LOGGED_IN)
def municipality_detail(request, lg_code):
    municipality = get_object_or_404(
        request.user, VIEW, Municipality.objects.select_related("region", "subarea"),
        lg_code=lg_code,
    )
    values = selectors.statistics_of(municipality)
    population = [
        (str(v.year), v.value,
         "bar--projected" if v.indicator == Indicator.PROJECTED_POPULATION else "bar--actual")
        for v in sorted(values, key=lambda v: v.year)
        if v.indicator in (Indicator.POPULATION, Indicator.PROJECTED_POPULATION)
    ]
    chart = bar_chart(population, title=_("Population and projection of %(name)s")
                      % {"name": municipality.name}, unit=_("people")) if population else None
    return render(request, "portal/municipality_detail.html", {
        "municipality": municipality,
        "figures": selectors.latest_figures(values),
        "history": [v for v in values if v.indicator not in (Indicator.PROJECTED_POPULATION,)],
        "projections": [v for v in values if v.indicator == Indicator.PROJECTED_POPULATION],
        "has_demo_values": any(v.is_demo for v in values),
        "population_chart": chart,
        "population_rows": population,
        "zero": Decimal(0),
    })
