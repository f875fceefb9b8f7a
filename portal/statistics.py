"""What each statistic measures: its unit and the values it can sensibly take."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Indicator


@dataclass(frozen=True)
class IndicatorSpec:
    unit: str
    whole_number: bool
    maximum: Decimal


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
