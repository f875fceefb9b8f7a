"""The catalogue's current result as CSV (UTF-8 with BOM, CRLF, for Excel and LibreOffice) and
xlsx; participants also in long format, one row per initiative × municipality."""

import io
import tempfile
from itertools import islice

from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.japanese import fiscal_year_label
from portal.lib.spreadsheets import CsvWriter, append, code_cell
from portal.lib.workbooks import finish_sheet, text_width
from portal.models import Municipality, Organisation

from .models import Category, Initiative, Method, PolicyField

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
    if connection.vendor == "postgresql":
        # One array parameter: a thousand placeholders cost more to build than to run.
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT initiative_id, {quote(column)} FROM "
                           f"{quote(through._meta.db_table)} WHERE initiative_id = ANY(%s)",
                           [ids])
            pairs = cursor.fetchall()
    else:
        pairs = through.objects.filter(initiative_id__in=ids).values_list("initiative_id",
                                                                          column)
    for initiative_id, other_id in pairs:
        linked.setdefault(initiative_id, []).append(other_id)
    return linked


def _all_links(ids: list[int]) -> tuple[dict, dict, dict]:
    """The methods, fields and participants of these initiatives, by initiative: on
    PostgreSQL in one query with the ids as one array, elsewhere a query per link table."""
    tables = ((Initiative.methods.through, "method_id"),
              (Initiative.policy_fields.through, "policyfield_id"),
              (Initiative.municipalities.through, "municipality_id"))
    if connection.vendor != "postgresql":
        return tuple(_links(through, column, ids) for through, column in tables)
    quote = connection.ops.quote_name
    # "= ANY(array)" is served by the initiative_id index; a join with the unnested ids is
    # planned as a scan of the whole link table.
    sql = " UNION ALL ".join(
        f"SELECT {kind}, initiative_id, {quote(column)} FROM "
        f"{quote(through._meta.db_table)} WHERE initiative_id = ANY(%s)"
        for kind, (through, column) in enumerate(tables))
    linked = ({}, {}, {})
    with connection.cursor() as cursor:
        cursor.execute(sql, [ids] * len(tables))
        for kind, initiative_id, other_id in cursor.fetchall():
            linked[kind].setdefault(initiative_id, []).append(other_id)
    return linked


def _chunks(iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


ROW_FIELDS = ("pk", "title", "category_id", "lead_organisation_id", "scope",
              "outside_prefecture", "status", "start_year", "end_year", "funding", "is_model",
              "spread_from_id", "is_published", "is_demo", "summary")


def _url_of(base_url: str):
    """An initiative's address from its id, without resolving a URL per row."""
    sentinel = 987654321
    head, tail = reverse("initiative_detail", args=[sentinel]).split(str(sentinel))
    return lambda pk: f"{base_url}{head}{pk}{tail}"


def _names(linked: list[int], names: dict[int, str], position: dict[int, int]) -> str:
    if not linked:
        return ""
    if len(linked) > 1:
        linked = sorted(linked, key=position.__getitem__)
    return "、".join(names[pk] for pk in linked)


def rows(queryset, base_url: str):
    """One list of cells per initiative (``queryset`` from ``selectors.with_row_fields``); it is
    read in chunks of plain tuples, never all at once and never as model instances.
    Links are read as ids per chunk and named from small tables read once."""
    municipalities = list(Municipality.objects.order_by("lg_code").values_list(
        "pk", "name", "lg_code"))
    municipality_names = {pk: name for pk, name, _code in municipalities}
    municipality_codes = {pk: code for pk, _name, code in municipalities}
    municipality_order = {pk: n for n, (pk, _name, _code) in enumerate(municipalities)}
    methods = list(Method.objects.order_by("sort_order", "pk").values_list("pk", "name"))
    fields = list(PolicyField.objects.order_by("sort_order", "pk").values_list("pk", "name"))
    method_names, method_order = dict(methods), {pk: n for n, (pk, _) in enumerate(methods)}
    field_names, field_order = dict(fields), {pk: n for n, (pk, _) in enumerate(fields)}
    categories = {category.pk: str(category) for category in Category.objects.all()}
    organisations = dict(Organisation.objects.values_list("pk", "name"))
    labels = {name: {key: str(label) for key, label in
                     Initiative._meta.get_field(name).flatchoices}
              for name in ("scope", "status", "funding")}
    scopes, statuses, fundings = labels["scope"], labels["status"], labels["funding"]
    yes, no = _("yes"), _("no")
    years: dict[int, str] = {}
    url_of = _url_of(base_url)

    def year(value):
        if not value:
            return ""
        if value not in years:
            years[value] = fiscal_year_label(value)
        return years[value]

    values = queryset.values_list(*ROW_FIELDS)
    for chunk in _chunks(values.iterator(chunk_size=CHUNK), CHUNK):
        ids = [item[0] for item in chunk]
        by_method, by_field, by_municipality = _all_links(ids)
        for (pk, title, category_id, lead_id, scope, outside, status, start_year, end_year,
             funding, is_model, spread_from_id, is_published, is_demo, summary) in chunk:
            taking_part = by_municipality.get(pk)
            if taking_part and len(taking_part) > 1:
                taking_part.sort(key=municipality_order.__getitem__)
            yield [
                pk, title, categories[category_id],
                _names(by_method.get(pk), method_names, method_order),
                _names(by_field.get(pk), field_names, field_order),
                organisations[lead_id] if lead_id else "",
                "、".join(municipality_names[m] for m in taking_part) if taking_part else "",
                " ".join(municipality_codes[m] for m in taking_part) if taking_part else "",
                scopes.get(scope, scope), outside, statuses.get(status, status),
                start_year or "", year(start_year), end_year or "", year(end_year),
                fundings.get(funding, funding) if funding else "",
                yes if is_model else "", spread_from_id or "",
                yes if is_published else no, yes if is_demo else "",
                summary, url_of(pk),
            ]


def participant_rows(queryset):
    """One row per initiative × participating municipality, in 団体コード order within each
    initiative: the long format, one 団体コード per cell."""
    municipalities = list(Municipality.objects.order_by("lg_code").values_list(
        "pk", "lg_code", "name"))
    named = {pk: (code, name) for pk, code, name in municipalities}
    order = {pk: n for n, (pk, _code, _name) in enumerate(municipalities)}
    values = queryset.values_list("pk", "title")
    for chunk in _chunks(values.iterator(chunk_size=CHUNK), CHUNK):
        by_municipality = _links(Initiative.municipalities.through, "municipality_id",
                                 [pk for pk, _title in chunk])
        for pk, title in chunk:
            for municipality in sorted(by_municipality.get(pk, ()), key=order.__getitem__):
                yield [pk, title, *named[municipality]]


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
    buffer = io.StringIO()
    writer = CsvWriter(buffer)

    def written() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    def stream():
        writer.writerow(header)
        # The byte order mark tells Excel the file is UTF-8.
        yield "\ufeff" + written()
        # A chunk of rows per piece sent, not one row: fewer, larger writes to the socket.
        for chunk in _chunks(_with_code_cell(body, code_column), CHUNK):
            writer.writerows(chunk)
            yield written()

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
