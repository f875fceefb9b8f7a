"""The portal's own report: a municipality's profile as an A4 PDF."""


from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import composition, selectors
from .lib.lg_code import normalize_lg_code
from .lib.reports import PDF_TYPE, Built, ReportError, ReportKind, register, render_pdf
from .lib.sections import municipality_sections
from .models import Municipality


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
    user = report.requested_by
    context = {
        "municipality": municipality, **selectors.statistics_summary(municipality),
        "sections": municipality_sections(user, municipality, composition.MUNICIPALITY_SECTIONS),
        "user": user,
    }
    progress(30)
    progress(60)
    content = render_pdf("reports/municipality_profile.html", context)
    return Built(content, f"profile-{municipality.lg_code}.pdf", PDF_TYPE)


register(ReportKind("municipality_profile", gettext_lazy("Municipality profile (PDF)"),
                    _allowed, _title, _build, _parse, "reports/_municipality_field.html",
                    lambda user: {"municipalities": Municipality.objects.all()}))
