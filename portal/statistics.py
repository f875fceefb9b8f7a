"""What each statistic measures: its unit and the values it can sensibly take."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from .models import Indicator


@dataclass(frozen=True)
class IndicatorSpec:
    unit: str
    whole_number: bool
    maximum: Decimal

    @property
    def display_decimals(self) -> int:
        return 0 if self.whole_number else 1


PEOPLE = _("people")

SPECS: dict[str, IndicatorSpec] = {
    Indicator.POPULATION: IndicatorSpec(PEOPLE, True, Decimal(10_000_000)),
    Indicator.PROJECTED_POPULATION: IndicatorSpec(PEOPLE, True, Decimal(10_000_000)),
    Indicator.AGEING_RATE: IndicatorSpec("%", False, Decimal(100)),
    Indicator.GENERAL_ADMIN_STAFF: IndicatorSpec(PEOPLE, True, Decimal(100_000)),
    Indicator.CIVIL_ENGINEERS: IndicatorSpec(PEOPLE, True, Decimal(100_000)),
    Indicator.AGRI_FORESTRY: IndicatorSpec(PEOPLE, True, Decimal(100_000)),
    Indicator.PUBLIC_HEALTH_NURSES: IndicatorSpec(PEOPLE, True, Decimal(100_000)),
    Indicator.ICT_STAFF: IndicatorSpec(PEOPLE, True, Decimal(100_000)),
}

# The order figures are shown in on a municipality's page.
DISPLAY_ORDER = list(Indicator.values)


def format_figure(indicator: str, value: Decimal | None) -> str:
    """A figure with its unit as people read it: 100,255人, 37.2%."""
    if value is None:
        return "—"
    spec = SPECS[indicator]
    number = number_format(value, decimal_pos=spec.display_decimals, force_grouping=True)
    return f"{number}{spec.unit}"
