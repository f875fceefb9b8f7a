"""Imports yearly municipal statistics from CSV or xlsx: all rows or none."""

import csv
import datetime
import io
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.lib import audit, caching
from portal.lib.lg_code import normalize_lg_code, validate_lg_code
from portal.lib.uploads import check_office_package
from portal.models import Indicator, Municipality, StatisticValue
from portal.statistics import SPECS

MAX_ROWS = 50_000

# Accepted headings for each column: the code name, and the Japanese heading Excel users type.
COLUMNS = {
    "lg_code": {"lg_code", "団体コード", "全国地方公共団体コード"},
    "year": {"year", "年", "年次", "対象年"},
    "indicator": {"indicator", "指標", "項目"},
    "value": {"value", "値", "数値"},
    "source": {"source", "出典"},
    "as_of": {"as_of", "時点", "基準日"},
}
OPTIONAL_COLUMNS = {"name": {"name", "市町村名", "団体名"}}


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        if self.column:
            return _("Row %(row)s, column %(column)s: %(message)s") % {
                "row": self.row, "column": self.column, "message": self.message}
        return _("Row %(row)s: %(message)s") % {"row": self.row, "message": self.message}


class StatisticsImportError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("; ".join(str(problem) for problem in problems[:5]))


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int = 0


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unicodedata.normalize("NFKC", str(value)).strip()


def read_table(content: bytes, filename: str) -> list[list[str]]:
    """Rows of cell texts. The type is decided by the content, not only the file name."""
    name = filename.lower()
    is_zip = content[:4] == b"PK\x03\x04"
    if name.endswith(".xlsx"):
        if not is_zip:
            raise StatisticsImportError([Problem(0, "", _("The file is named .xlsx but is not an "
                                                          "Excel workbook."))])
        return _read_xlsx(content)
    if name.endswith(".csv"):
        if is_zip or b"\x00" in content[:4096]:
            raise StatisticsImportError([Problem(0, "", _("The file is named .csv but is not a "
                                                          "text file."))])
        return _read_csv(content)
    raise StatisticsImportError([Problem(0, "", _("Only .csv and .xlsx files can be imported."))])


def _read_csv(content: bytes) -> list[list[str]]:
    # Excel writes UTF-8 with a BOM, or Shift_JIS (cp932) when saved as plain "CSV".
    for encoding in ("utf-8-sig", "cp932"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise StatisticsImportError([Problem(0, "", _("The CSV file is neither UTF-8 nor "
                                                      "Shift_JIS text."))])
    try:
        return [[_cell_text(cell) for cell in row] for row in csv.reader(io.StringIO(text))]
    except csv.Error as error:
        raise StatisticsImportError([Problem(0, "", _("The CSV file cannot be read: %(error)s")
                                             % {"error": error})]) from None


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        check_office_package(content)  # before openpyxl inflates anything
    except ValidationError as error:
        raise StatisticsImportError([Problem(0, "", message) for message in error.messages]
                                    ) from None
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds of errors for a damaged workbook
        raise StatisticsImportError([Problem(0, "", _("The Excel workbook cannot be opened; "
                                                      "is it damaged or password-protected?"))]
                                    ) from None
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append([_cell_text(cell) for cell in row])
            if len(rows) > MAX_ROWS + 1:
                break
        return rows
    finally:
        workbook.close()


def _indicator_lookup() -> dict[str, str]:
    lookup = {}
    for code, label in Indicator.choices:
        lookup[code] = code
        for language in ("ja", "en"):
            with translation.override(language):
                lookup[unicodedata.normalize("NFKC", str(label))] = code
    return lookup


def _parse_date(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _has_control_characters(text: str) -> bool:
    return any(unicodedata.category(char) == "Cc" for char in text)


@dataclass
class _Row:
    number: int
    cells: list[str]
    positions: dict[str, int]
    problems: list[Problem]

    def __getitem__(self, column: str) -> str:
        index = self.positions[column]
        return self.cells[index] if index < len(self.cells) else ""

    def problem(self, column: str, message: str) -> None:
        place = f"{_column_letter(self.positions[column])} ({column})"
        self.problems.append(Problem(self.number, place, message))


def _parse_row(row: _Row, municipalities: dict, indicators: dict) -> dict | None:
    """The record of one data row, or None after noting each of its problems."""
    record = {}
    code = normalize_lg_code(row["lg_code"])
    try:
        validate_lg_code(code)
        record["municipality"] = municipalities[code]
    except ValidationError as error:
        row.problem("lg_code", " ".join(error.messages))
    except KeyError:
        row.problem("lg_code", _("No municipality has the code %(code)s.") % {"code": code})

    try:
        record["year"] = int(row["year"])
        if not 1900 <= record["year"] <= 2100:
            raise ValueError
    except ValueError:
        row.problem("year", _("The year must be a Western year such as 2025, got “%(value)s”.")
                    % {"value": row["year"][:20]})

    indicator = indicators.get(row["indicator"])
    if indicator is None:
        row.problem("indicator", _("Unknown indicator “%(value)s”; use one of: %(choices)s.")
                    % {"value": row["indicator"][:40], "choices": ", ".join(Indicator.values)})
    else:
        record["indicator"] = indicator

    raw_value = row["value"].replace(",", "")
    try:
        value = Decimal(raw_value)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        row.problem("value", _("“%(value)s” is not a number.") % {"value": row["value"][:20]})
    else:
        spec = SPECS.get(indicator) if indicator else None
        if value < 0:
            row.problem("value", _("The value cannot be negative."))
        elif spec and value > spec.maximum:
            row.problem("value", _("The value is larger than %(max)s.") % {"max": spec.maximum})
        elif spec and spec.whole_number and value != value.to_integral_value():
            row.problem("value", _("This indicator counts people: use a whole number."))
        elif value.as_tuple().exponent < -2:
            row.problem("value", _("Use at most two decimal places."))
        else:
            record["value"] = value

    source = row["source"]
    if not source:
        row.problem("source", _("Give the source of the figure."))
    elif len(source) > 200 or _has_control_characters(source):
        row.problem("source", _("The source must be one line of at most 200 characters."))
    else:
        record["source"] = source

    try:
        record["as_of"] = _parse_date(row["as_of"])
    except ValueError:
        row.problem("as_of", _("“%(value)s” is not a date; write it as 2025-10-01.")
                    % {"value": row["as_of"][:20]})
    return record if len(record) == 6 else None


def parse_rows(rows: list[list[str]]) -> tuple[list[dict], list[Problem]]:
    """Checks every cell and returns the records, or every problem found with its place."""
    problems: list[Problem] = []
    if not rows:
        return [], [Problem(1, "", _("The file is empty."))]
    header = [cell.lower() for cell in rows[0]]
    positions = {}
    for column, names in COLUMNS.items():
        for index, heading in enumerate(header):
            if heading in names:
                positions[column] = index
                break
        else:
            problems.append(Problem(1, "", _("The heading “%(column)s” is missing.")
                                    % {"column": column}))
    if problems:
        return [], problems
    if len(rows) - 1 > MAX_ROWS:
        return [], [Problem(MAX_ROWS + 2, "", _("A file may hold at most %(max)s rows.")
                            % {"max": MAX_ROWS})]

    municipalities = {m.lg_code: m for m in Municipality.objects.all()}
    indicators = _indicator_lookup()
    records, seen = [], {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(cells):
            continue
        row = _Row(number, cells, positions, problems)
        record = _parse_row(row, municipalities, indicators)
        if record is None:
            continue
        key = (record["municipality"].pk, record["indicator"], record["year"])
        if key in seen:
            problems.append(Problem(number, "", _("Same municipality, indicator and year as "
                                                  "row %(row)s.") % {"row": seen[key]}))
        else:
            seen[key] = number
            records.append(record)
    if not records and not problems:
        problems.append(Problem(2, "", _("The file has headings but no data rows.")))
    return records, problems


def import_statistics(*, content: bytes, filename: str, is_demo: bool = False) -> ImportResult:
    """Creates or updates every figure in the file, or raises with every problem and saves none.

    Bulk writes skip model signals, so each figure's audit entry is written here.
    """
    records, problems = parse_rows(read_table(content, filename))
    if problems:
        raise StatisticsImportError(problems)
    note = _("Imported from %(file)s") % {"file": filename[:200]}
    with transaction.atomic():
        existing = {
            (value.municipality_id, value.indicator, value.year): value
            for value in StatisticValue.objects.select_for_update().select_related(
                "municipality").filter(
                municipality__in={record["municipality"] for record in records},
                year__in={record["year"] for record in records},
            )
        }
        to_create, to_update, entries = [], [], []
        now = timezone.now()  # bulk_update skips auto_now
        for record in records:
            current = existing.get((record["municipality"].pk, record["indicator"], record["year"]))
            if current is None:
                to_create.append(StatisticValue(is_demo=is_demo, **record))
                continue
            before = _audited(current)
            current.value, current.source = record["value"], record["source"]
            current.as_of, current.is_demo = record["as_of"], is_demo
            current.updated_at = now
            changes = audit.diff(before, _audited(current))
            if changes:
                to_update.append(current)
                entries.append(audit.entry_for(current, audit.Action.UPDATE, changes=changes,
                                               note=note, owner=current.municipality))
        with audit.recorded_separately():  # below, with the file's name
            StatisticValue.objects.bulk_create(to_create, batch_size=1000)
            StatisticValue.objects.bulk_update(to_update, ["value", "source", "as_of",
                                                           "is_demo", "updated_at"],
                                               batch_size=1000)
        caching.bump("statistics")  # bulk writes send no signals
        entries += [
            audit.entry_for(value, audit.Action.CREATE, note=note, owner=value.municipality,
                            changes={name: [None, shown] for name, shown in
                                     _audited(value).items()})
            for value in to_create
        ]
        audit.record_many(entries)
    return ImportResult(created=len(to_create), updated=len(to_update),
                        unchanged=len(records) - len(to_create) - len(to_update))


def _audited(value: StatisticValue) -> dict[str, str]:
    return {"value": format(value.value.normalize(), "f"), "source": value.source,
            "as_of": value.as_of.isoformat(), "is_demo": str(value.is_demo)}
