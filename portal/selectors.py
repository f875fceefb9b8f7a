"""Reads for the portal's pages, always through the user's scope."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, Subquery

from .lib import written_out
from .lib.charts import bar_chart
from .lib.permissions import VIEW, scope
from .models import Indicator, Municipality, Region, StatisticValue
from .statistics import DISPLAY_ORDER


def regions() -> list[Region]:
    """The four regions in their order, read written out (the ORM's query of four rows took
    longer to build than to run)."""
    columns = written_out.columns(Region, "r")
    return [columns.instance(row) for row in written_out.rows(
        f"SELECT {columns.sql} FROM {Region._meta.db_table} r ORDER BY r.sort_order, r.id")]


def municipalities_for(user):
    return scope(user, VIEW, Municipality.objects.select_related("region", "subarea"))


def municipalities_by_region(user) -> list[tuple[Region, list[Municipality]]]:
    """The municipalities the user may see, grouped by region, each group in 団体コード order."""
    groups = defaultdict(list)
    for municipality in municipalities_for(user):
        groups[municipality.region].append(municipality)
    return sorted(groups.items(), key=lambda item: item[0].sort_order)


@dataclass(frozen=True)
class Figure:
    indicator: str
    label: str
    value: StatisticValue


def latest_figures(values: list[StatisticValue]) -> list[Figure]:
    """The most recent actual figure of each indicator (projections: the furthest year)."""
    latest = {}
    for value in values:
        current = latest.get(value.indicator)
        if current is None or value.year > current.year:
            latest[value.indicator] = value
    return [
        Figure(code, Indicator(code).label, latest[code])
        for code in DISPLAY_ORDER
        if code in latest
    ]


def statistics_of(municipality: Municipality) -> list[StatisticValue]:
    return list(municipality.statistics.order_by("indicator", "year"))


def latest_population_year() -> int | None:
    return StatisticValue.objects.filter(indicator=Indicator.POPULATION).aggregate(
        year=Max("year"))["year"]


@dataclass(frozen=True)
class IndicatorSnapshot:
    year: int | None
    values: dict[str, Decimal]  # by 団体コード
    has_demo_values: bool


def latest_values(indicator: str) -> IndicatorSnapshot:
    """Every municipality's figure for the most recent year of an indicator, in one query: the
    year is found by the index on (indicator, year)."""
    latest = StatisticValue.objects.filter(indicator=indicator).order_by("-year").values(
        "year")[:1]
    rows = list(StatisticValue.objects.filter(indicator=indicator, year=Subquery(latest))
                .values_list("year", "municipality__lg_code", "value", "is_demo"))
    return IndicatorSnapshot(rows[0][0] if rows else None,
                             {code: value for _year, code, value, _demo in rows},
                             any(demo for *_row, demo in rows))


def statistics_summary(municipality: Municipality) -> dict:
    """What a municipality's page and its profile show of its statistics: the latest figure
    of each indicator and the population chart, actual then projected."""
    from django.utils.translation import gettext as _

    values = statistics_of(municipality)
    population = [
        (str(v.year), v.value,
         "bar--projected" if v.indicator == Indicator.PROJECTED_POPULATION else "bar--actual")
        for v in sorted(values, key=lambda v: v.year)
        if v.indicator in (Indicator.POPULATION, Indicator.PROJECTED_POPULATION)
    ]
    chart = bar_chart(population, title=_("Population and projection of %(name)s")
                      % {"name": municipality.name}, unit=_("people")) if population else None
    return {"figures": latest_figures(values), "has_demo_values": any(v.is_demo for v in values),
            "population_chart": chart, "population_rows": population}
