"""The survey results workbook as a background report."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.permissions import VIEW, can, scope
from portal.lib.reports import XLSX_TYPE, Built, ReportError, ReportKind, register

from . import exports, results
from .models import Survey
from .policies import MAKE_WORKBOOK


def _followed(user):
    return scope(user, VIEW, Survey.objects.all())


def _allowed(user, params) -> bool:
    if params is None:
        return can(user, MAKE_WORKBOOK, Survey)
    survey = _followed(user).filter(pk=params["survey_id"]).first()
    return survey is not None and can(user, MAKE_WORKBOOK, survey)


def _parse(data) -> dict:
    value = data.get("survey_id", "")
    if not value.isdigit() or not Survey.objects.filter(pk=int(value)).exists():
        raise ReportError(_("Choose a survey."))
    return {"survey_id": int(value)}


def _title(params) -> str:
    return _("Results workbook: %(title)s") % {
        "title": Survey.objects.get(pk=params["survey_id"]).title}


def _build(report, progress) -> Built:
    user = report.requested_by
    survey = Survey.objects.get(pk=report.params["survey_id"])
    computed = results.results_for(user, survey, with_rows=True)
    progress(60)
    content = exports.xlsx_bytes(survey, computed)
    return Built(content, f"survey-{survey.pk}-results.xlsx", XLSX_TYPE)


register(ReportKind("survey_workbook", gettext_lazy("Survey results workbook (Excel)"),
                    _allowed, _title, _build, _parse, "reports/_survey_field.html",
                    lambda user: {"surveys": _followed(user)}))
