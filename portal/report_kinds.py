"""The portal's own report: a municipality's profile as an A4 PDF."""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import selectors
from .charts import bar_chart
from .lg_code import normalize_lg_code
from .models import Indicator, Municipality, User
from .reports import PDF_TYPE, Built, ReportError, ReportKind, register, render_pdf
from .sections import municipality_sections


def _parse(data) -> dict:
    code = normalize_lg_code(data.get("lg_code", ""))[:6]
    if not Municipality.objects.filter(lg_code=code).exists():
        raise ReportError(_("Choose one of the 35 municipalities."))
    return {"lg_code": code}


def _allowed(user, params) -> bool:
    return bool(user.is_authenticated and user.is_active)


def _title(params) -> str:
    name = Municipality.objects.get(lg_code=params["lg_code"]).name
    return _("Municipality profile: %(name)s") % {"name": name}


def _build(report, progress) -> Built:
    municipality = Municipality.objects.select_related("region", "subarea").get(
        lg_code=report.params["lg_code"])
    user = User.objects.get(pk=report.requested_by_id)
    values = selectors.statistics_of(municipality)
    progress(30)
    population = [(str(v.year), Decimal(v.value), "bar--projected"
                   if v.indicator == Indicator.PROJECTED_POPULATION else "bar--actual")
                  for v in sorted(values, key=lambda v: v.year)
                  if v.indicator in (Indicator.POPULATION, Indicator.PROJECTED_POPULATION)]
    chart = bar_chart(population, title=_("Population and projection of %(name)s")
                      % {"name": municipality.name}, unit=_("people")) if population else None
    context = {
        "municipality": municipality, "figures": selectors.latest_figures(values),
        "has_demo_values": any(v.is_demo for v in values), "population_chart": chart,
        "sections": municipality_sections(user, municipality), "user": user,
    }
    progress(60)
    content = render_pdf("reports/municipality_profile.html", context)
    return Built(content, f"profile-{municipality.lg_code}.pdf", PDF_TYPE)


register(ReportKind("municipality_profile", gettext_lazy("Municipality profile (PDF)"),
                    _allowed, _title, _build, _parse, "reports/_municipality_field.html",
                    lambda user: {"municipalities": Municipality.objects.all()}))
