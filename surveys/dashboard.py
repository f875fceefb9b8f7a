"""The survey measure of the dashboard's map: how much of this fiscal year's surveys each
municipality has submitted."""

from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy

from portal.lib.dashboard import Measure
from portal.lib.japanese import fiscal_year
from portal.lib.permissions import VIEW, scope

from .models import Survey, SurveyResponse
from .policies import concerning


def submitted_share(user) -> dict:
    """Percent of this fiscal year's surveys sent to each municipality the user follows (or
    is) that it has submitted; municipalities sent none have no value."""
    surveys = scope(user, VIEW, Survey.objects.filter(
        fiscal_year=fiscal_year(timezone.localdate()))).values("pk")
    sent = concerning(user, Survey.municipalities.through.objects.filter(survey__in=surveys))
    asked = dict(sent.values_list("municipality__lg_code").annotate(n=Count("survey_id")))
    done = dict(scope(user, VIEW, SurveyResponse.objects.filter(
        survey__in=surveys, status=SurveyResponse.Status.SUBMITTED)).values_list(
        "municipality__lg_code").annotate(n=Count("id")))
    return {code: Decimal(round(100 * done.get(code, 0) / n)) for code, n in asked.items()}


SUBMITTED_SHARE = Measure("survey_answers", gettext_lazy("This fiscal year's surveys submitted"),
                          "%", submitted_share, ("surveys",))
