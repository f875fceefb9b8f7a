"""The catalogue's current result as CSV (UTF-8 with BOM, for Excel) and xlsx."""

import csv
import tempfile

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.japanese import fiscal_year_label

CHUNK = 1000


def columns() -> list[str]:
    return [_("ID"), _("Title"), _("Category"), _("Collaboration methods"), _("Policy fields"),
            _("Lead organisation"), _("Participating municipalities"),
            _("Local government codes"), _("Scope"), _("Prefecture of the case"), _("Status"),
            _("First fiscal year"), _("Last fiscal year"), _("Funding"), _("Model project"),
            _("Spread from (ID)"), _("Published"), _("Demo data"), _("Summary"), _("URL")]


def rows(queryset, base_url: str):
    """One list of cells per initiative; the queryset is read in chunks, never all at once."""
    for item in queryset.iterator(chunk_size=CHUNK):
        municipalities = sorted(item.municipalities.all(), key=lambda m: m.lg_code)
        yield [
            item.pk, item.title, f"{item.category.label} {item.category.name}",
            "、".join(m.name for m in item.methods.all()),
            "、".join(f.name for f in item.policy_fields.all()),
            str(item.lead_organisation or ""),
            "、".join(m.name for m in municipalities),
            " ".join(m.lg_code for m in municipalities),
            item.get_scope_display(), item.outside_prefecture, item.get_status_display(),
            fiscal_year_label(item.start_year) if item.start_year else "",
            fiscal_year_label(item.end_year) if item.end_year else "",
            item.get_funding_display() if item.funding else "",
            _("yes") if item.is_model else "", item.spread_from_id or "",
            _("yes") if item.is_published else _("no"), _("yes") if item.is_demo else "",
            item.summary, base_url + item.get_absolute_url(),
        ]


def _filename(extension: str) -> str:
    return f"initiatives-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


class _Echo:
    def write(self, value):
        return value


def csv_response(queryset, base_url: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"  # the byte order mark tells Excel the file is UTF-8
        yield writer.writerow(columns())
        for row in rows(queryset, base_url):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("csv")}"'
    return response


def xlsx_response(queryset, base_url: str) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Initiatives"))
    header = []
    for title in columns():
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows(queryset, base_url):
        sheet.append(row)
    # Spooled: small exports stay in memory, large ones go to a temporary file.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=_filename("xlsx"),
                        content_type="application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet")

