"""The catalogue's current result as CSV (UTF-8 with BOM, CRLF, for Excel and LibreOffice) and
xlsx; participants also in long format, one row per initiative × municipality."""

import tempfile
from itertools import islice

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.japanese import fiscal_year_label
from portal.models import Municipality
from portal.spreadsheets import CsvWriter, append, code_cell
from portal.workbooks import finish_sheet, text_width

from .models import Initiative, Method, PolicyField

CHUNK = 1000


def columns() -> list[str]:
    return [_("ID"), _("Title"), _("Category"), _("Collaboration methods"), _("Policy fields"),
            _("Lead organisation"), _("Participating municipalities"),
            _("Local government codes"), _("Scope"), _("Prefecture of the case"), _("Status"),
            _("First fiscal year"), _("First fiscal year (era)"), _("Last fiscal year"),
            _("Last fiscal year (era)"), _("Funding"), _("Model project"),
            _("Spread from (ID)"), _("Published"), _("Demo data"), _("Summary"), _("URL")]


CODE_COLUMN = 7  # 団体コード in ``columns()``

# Typical content width per column (characters, wide ones count double), in ``columns()`` order:
# a streamed sheet's widths are set before its first row, so they cannot come from the rows.
# Kept modest: the sheet prints fitted to the page width.
CONTENT_WIDTHS = [6, 56, 24, 24, 16, 16, 40, 20, 10, 8, 8, 8, 16, 8, 16, 12, 8, 8, 6, 6, 40, 30]


def participant_columns() -> list[str]:
    return [_("ID"), _("Title"), _("Local government code"), _("Municipality")]


PARTICIPANT_WIDTHS = [6, 50, 8, 12]


def _links(through, column: str, ids: list[int]) -> dict[int, list[int]]:
    linked: dict[int, list[int]] = {}
    for initiative_id, other_id in through.objects.filter(initiative_id__in=ids).values_list(
            "initiative_id", column):
        linked.setdefault(initiative_id, []).append(other_id)
    return linked


def _chunks(iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def rows(queryset, base_url: str):
    """One list of cells per initiative (``queryset`` from ``selectors.with_row_fields``); it is
    read in chunks, never all at once.
    Links are read as ids per chunk and named from small tables read once, which keeps a
    100,000-row export from building a model instance per link."""
    municipalities = {m.pk: m for m in Municipality.objects.order_by("lg_code")}
    methods = {m.pk: m for m in Method.objects.order_by("sort_order", "pk")}
    fields = {f.pk: f for f in PolicyField.objects.order_by("sort_order", "pk")}
    order = {**{("m", pk): n for n, pk in enumerate(methods)},
             **{("f", pk): n for n, pk in enumerate(fields)}}
    labels = {name: dict(Initiative._meta.get_field(name).flatchoices)
              for name in ("scope", "status", "funding")}
    yes, no = _("yes"), _("no")
    years: dict[int, str] = {}

    def year(value):
        if not value:
            return ""
        if value not in years:
            years[value] = fiscal_year_label(value)
        return years[value]

    for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
        ids = [item.pk for item in chunk]
        by_method = _links(Initiative.methods.through, "method_id", ids)
        by_field = _links(Initiative.policy_fields.through, "policyfield_id", ids)
        by_municipality = _links(Initiative.municipalities.through, "municipality_id", ids)
        for item in chunk:
            taking_part = sorted((municipalities[pk] for pk in by_municipality.get(item.pk, [])),
                                 key=lambda m: m.lg_code)
            yield [
                item.pk, item.title, f"{item.category.label} {item.category.name}",
                "、".join(methods[pk].name for pk in sorted(
                    by_method.get(item.pk, []), key=lambda pk: order[("m", pk)])),
                "、".join(fields[pk].name for pk in sorted(
                    by_field.get(item.pk, []), key=lambda pk: order[("f", pk)])),
                str(item.lead_organisation or ""),
                "、".join(m.name for m in taking_part),
                " ".join(m.lg_code for m in taking_part),
                str(labels["scope"].get(item.scope, item.scope)), item.outside_prefecture,
                str(labels["status"].get(item.status, item.status)),
                item.start_year or "", year(item.start_year),
                item.end_year or "", year(item.end_year),
                str(labels["funding"].get(item.funding, item.funding)) if item.funding else "",
                yes if item.is_model else "", item.spread_from_id or "",
                yes if item.is_published else no, yes if item.is_demo else "",
                item.summary, base_url + item.get_absolute_url(),
            ]


def participant_rows(queryset):
    """One row per initiative × participating municipality, in 団体コード order within each
    initiative: the long format, one 団体コード per cell."""
    municipalities = {m.pk: m for m in Municipality.objects.order_by("lg_code")}
    for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
        by_municipality = _links(Initiative.municipalities.through, "municipality_id",
                                 [item.pk for item in chunk])
        for item in chunk:
            for municipality in sorted(
                    (municipalities[pk] for pk in by_municipality.get(item.pk, [])),
                    key=lambda m: m.lg_code):
                yield [item.pk, item.title, municipality.lg_code, municipality.name]


def _filename(extension: str, kind: str = "initiatives") -> str:
    return f"{kind}-{timezone.localtime():%Y%m%d-%H%M}.{extension}"


class _Echo:
    def write(self, value):
        return value


def _with_code_cell(rows, column: int):
    for row in rows:
        row[column] = code_cell(row[column])
        yield row


def _csv(header, body, filename: str, *, code_column: int) -> StreamingHttpResponse:
    # csv's default dialect: CRLF line ends and RFC 4180 quoting.
    writer = CsvWriter(_Echo())

    def stream():
        yield "\ufeff"  # the byte order mark tells Excel the file is UTF-8
        yield writer.writerow(header)
        for row in _with_code_cell(body, code_column):
            yield writer.writerow(row)

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(queryset, base_url: str) -> StreamingHttpResponse:
    return _csv(columns(), rows(queryset, base_url), _filename("csv"), code_column=CODE_COLUMN)


def participants_csv_response(queryset, base_url: str) -> StreamingHttpResponse:
    return _csv(participant_columns(), participant_rows(queryset),
                _filename("csv", "initiative-participants"), code_column=2)


def _streamed_sheet(workbook, title: str, header: list[str], widths: list[int], body) -> None:
    """A write-only sheet: finished before its first row, its filter range set at the end."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    finish_sheet(sheet, [max(text_width(name), width) for name, width in zip(
        header, widths, strict=True)], rows=0)
    append(sheet, header, font=Font(bold=True))
    count = 0
    for row in body:
        append(sheet, row)
        count += 1
    # The filter is written after the rows, so its range can be the real one.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(header))}{count + 1}"


def xlsx_response(queryset, base_url: str) -> FileResponse:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    _streamed_sheet(workbook, _("Initiatives"), columns(), CONTENT_WIDTHS,
                    rows(queryset, base_url))
    _streamed_sheet(workbook, _("Participants"), participant_columns(), PARTICIPANT_WIDTHS,
                    participant_rows(queryset))
    # Spooled: small exports stay in memory, large ones go to a temporary file.
    handle = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    workbook.save(handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=_filename("xlsx"),
                        content_type="application/vnd.openxmlformats-officedocument."
                                     "spreadsheetml.sheet")
