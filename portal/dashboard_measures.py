"""The portal's own measures: the latest value of each statistic."""

from django.utils.translation import gettext_lazy

from .dashboard import Measure, register_measure
from .models import Indicator
from .selectors import latest_values
from .statistics import SPECS

for code in (Indicator.POPULATION, Indicator.AGEING_RATE, Indicator.GENERAL_ADMIN_STAFF):
    register_measure(Measure(
        code, gettext_lazy(Indicator(code).label), SPECS[code].unit,
        lambda user, code=code: latest_values(code).values, ("statistics",)))
