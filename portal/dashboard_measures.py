"""The portal's own measures: the latest value of each statistic."""

from django.utils.translation import gettext_lazy

from .lib.dashboard import Measure
from .models import Indicator
from .selectors import latest_values
from .statistics import SPECS

STATISTICS = tuple(
    Measure(code, gettext_lazy(Indicator(code).label), SPECS[code].unit,
            lambda user, code=code: latest_values(code).values, ("statistics",))
    for code in (Indicator.POPULATION, Indicator.AGEING_RATE, Indicator.GENERAL_ADMIN_STAFF))
