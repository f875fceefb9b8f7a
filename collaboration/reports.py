"""The annual collaboration report for a 年度, as xlsx and as PDF."""

import io
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.chart_images import chart_images, place
from portal.lib.charts import BarChart, bar_chart
from portal.lib.japanese import fiscal_year, fiscal_year_label
from portal.lib.permissions import can
from portal.lib.reports import (
    PDF_TYPE,
    XLSX_TYPE,
    Built,
    ReportError,
    ReportKind,
    register,
    render_pdf,
)
from portal.lib.spreadsheets import append
from portal.lib.workbooks import (
    PERCENT,
    chart_sheet,
    finish_filled_sheet,
    notes_sheet,
    number_format,
)
from portal.models import Region

from . import selectors
from .dashboard import trend_chart
from .models import Category, Initiative, Method
from .policies import MAKE_ANNUAL_REPORT


def _parse(data) -> dict:
    try:
        year = int(data.get("year", ""))
    except ValueError:
        raise ReportError(_("Choose a fiscal year.")) from None
    if not 1990 <= year <= 2100:
        raise ReportError(_("Choose a fiscal year."))
    return {"year": year}


def _allowed(user, params) -> bool:
    return can(user, MAKE_ANNUAL_REPORT, Initiative)


def _title(params) -> str:
    return _("Annual collaboration report %(year)s") % {
        "year": fiscal_year_label(params["year"])}


def annual_figures(user, year: int) -> dict:
    """Aggregates over the initiatives ``user`` may see; a handful of queries at any size."""
    visible = selectors.visible_initiatives(user).order_by()
    active = visible.filter(Q(start_year__lte=year) | Q(start_year__isnull=True)).filter(
        Q(end_year__gte=year) | Q(end_year__isnull=True))
    methods = list(Method.objects.all())
    categories = list(Category.objects.all())
    cells = {(row["initiative__category"], row["method"]): row["n"] for row in
             Initiative.methods.through.objects.filter(initiative__in=active.values("pk"))
             .values("initiative__category", "method").annotate(n=Count("initiative_id"))}
    matrix = [(category, [cells.get((category.pk, m.pk), 0) for m in methods])
              for category in categories]
    by_region = dict(Initiative.municipalities.through.objects.filter(
        initiative__in=active.values("pk")).values_list("municipality__region").annotate(
        n=Count("initiative_id", distinct=True)))
    totals = active.aggregate(
        active=Count("id"),
        started=Count("id", filter=Q(start_year=year)),
        completed=Count("id", filter=Q(status=Initiative.Status.DONE, end_year=year)),
        ongoing=Count("id", filter=Q(status=Initiative.Status.ACTIVE)))
    trend = selectors.start_year_trend(visible, year, whole_scope=True)
    models = list(visible.filter(is_model=True).annotate(spread=Count("spread_to")).values_list(
        "title", "spread").order_by("-spread", "title")[:30])
    return {
        "year": year, "year_label": fiscal_year_label(year), "methods": methods,
        "matrix": matrix, "totals": totals, "models": models, "years": trend["years"],
        "regions": [(region, by_region.get(region.pk, 0)) for region in Region.objects.all()],
        "trend": trend["rows"], "trend_totals": trend["totals"],
    }


def annual_charts(data) -> dict[str, BarChart]:
    """The report's charts, drawn the same way in the PDF and, as pictures, in the xlsx."""
    return {
        "region_chart": bar_chart(
            [(region.name, Decimal(count), "bar--actual") for region, count in data["regions"]],
            title=_("Active initiatives by region"), unit="件"),
        "trend_chart": trend_chart(data["years"], data["trend_totals"]),
    }


def _build_xlsx(report, progress) -> Built:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    user = report.requested_by
    data = annual_figures(user, report.params["year"])
    progress(40)
    charts = annual_charts(data)
    region_image, trend_image = chart_images([charts["region_chart"], charts["trend_chart"]])
    progress(70)
    bold = Font(bold=True)
    book = Workbook()
    summary = book.active
    summary.title = "概要"
    append(summary, [_("Item"), _("Number of initiatives")], font=bold)
    for label, key in ((_("Active initiatives"), "active"), (_("Started this year"), "started"),
                       (_("Completed this year"), "completed"), (_("In progress"), "ongoing")):
        append(summary, [label, data["totals"][key]])
    finish_filled_sheet(summary)
    matrix = book.create_sheet("区分×連携手法")
    append(matrix, [_("Category")] + [m.name for m in data["methods"]], font=bold)
    for category, counts in data["matrix"]:
        append(matrix, [f"{category.label} {category.name}"] + counts)
    finish_filled_sheet(matrix)
    regions = book.create_sheet("地域別")
    append(regions, [_("Region"), _("Initiatives"), _("Share of active initiatives")],
           font=bold)
    active = data["totals"]["active"]
    for region, count in data["regions"]:
        append(regions, [region.name, count, count / active if active else 0])
    finish_filled_sheet(regions, landscape=True)
    number_format(regions, 3, PERCENT)
    place(regions, region_image, "E2")  # beside the table, on its first page
    trend = book.create_sheet("推移")
    append(trend, [_("Category")] + [fiscal_year_label(y) for y in data["years"]], font=bold)
    for category, counts in data["trend"]:
        append(trend, [f"{category.label} {category.name}"] + counts)
    append(trend, [_("Total")] + data["trend_totals"])
    finish_filled_sheet(trend, landscape=True)
    chart_sheet(book, "推移（グラフ）", trend_image)
    models = book.create_sheet("モデル事業")
    append(models, [_("Model project"), _("Spread to")], font=bold)
    for title, spread in data["models"]:
        append(models, [title, spread])
    finish_filled_sheet(models)
    notes_sheet(book, _title(report.params), [
        (_("Fiscal year"), data["year_label"]),
        (_("Scope"), _("The initiatives the account that asked for the report may see."))])
    buffer = io.BytesIO()
    book.save(buffer)
    return Built(buffer.getvalue(), f"annual-report-{report.params['year']}.xlsx", XLSX_TYPE)


def _build_pdf(report, progress) -> Built:
    user = report.requested_by
    data = annual_figures(user, report.params["year"])
    progress(50)
    data.update(annual_charts(data))
    data["title"] = _title(report.params)
    content = render_pdf("reports/annual_report.html", data)
    return Built(content, f"annual-report-{report.params['year']}.pdf", PDF_TYPE)


def _form(user) -> dict:
    from django.utils import timezone

    current = fiscal_year(timezone.localdate())
    return {"years": [(year, fiscal_year_label(year)) for year in range(current, 2015, -1)]}


for code, label, build in (
        ("annual_xlsx", gettext_lazy("Annual collaboration report (Excel)"), _build_xlsx),
        ("annual_pdf", gettext_lazy("Annual collaboration report (PDF)"), _build_pdf)):
    register(ReportKind(code, label, _allowed, _title, build, _parse,
                        "reports/_year_field.html", _form))
