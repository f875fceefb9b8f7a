"""The finish every xlsx sheet the portal writes gets: the header in row 1, frozen and filtered,
columns as wide as their content, numbers with number formats, and an A4 print setup.

Works on ordinary and write-only sheets alike; a write-only sheet needs it before its first row
(``finish_sheet`` before ``append``), which is why widths come from the caller, not the cells."""

import math
import unicodedata
from datetime import date, datetime
from decimal import Decimal

from openpyxl.utils import get_column_letter

from .spreadsheets import append

MAX_WIDTH = 60  # characters; longer text wraps on screen and in print
MIN_WIDTH = 8  # "100.0%" and a 年度 fit
WIDE = 8  # more columns than this print in landscape

COUNT = "#,##0"
DECIMAL = "#,##0.##"
PERCENT = "0.0%"
DATE = "yyyy-mm-dd"
DATETIME = "yyyy-mm-dd hh:mm"
YEAR = "0"  # a 年度 as 2025, not 2,025
A4 = "9"  # the paper size code of SpreadsheetML


def text_width(value) -> int:
    """How many character cells ``value`` takes: East Asian wide characters count double."""
    if value is None:
        return 0
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, int | float) and not isinstance(value, bool):
        return len(f"{value:,}")
    longest = max(str(value).split("\n"), key=len, default="")
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def fitted(width: int) -> float:
    return float(min(MAX_WIDTH, max(MIN_WIDTH, width + 2)))


def widths_of(rows) -> list[int]:
    """The widest cell per column over ``rows`` (for sheets that are built in memory)."""
    widths: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index >= len(widths):
                widths.append(0)
            widths[index] = max(widths[index], text_width(value))
    return widths


def finish_sheet(sheet, widths, *, rows: int | None = None, landscape: bool | None = None) -> None:
    """Freezes the header row, filters it, sets column widths (characters) and the A4 print
    setup. ``rows`` is the number of data rows for the filter's range; a write-only sheet that
    does not know it yet gets a filter over the whole columns."""
    columns = len(widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = fitted(width)
    sheet.freeze_panes = "A2"
    if columns:
        last = get_column_letter(columns)
        sheet.auto_filter.ref = f"A1:{last}{(rows or 0) + 1}" if rows is not None \
            else f"A:{last}"
    print_setup(sheet, landscape=columns > WIDE if landscape is None else landscape)
    sheet.print_title_rows = "1:1"


def print_setup(sheet, *, landscape: bool = False) -> None:
    """A4, fitted to the page width (as many pages down as needed), page numbers in the footer."""
    sheet.page_setup.paperSize = A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.center.text = "&P / &N"
    sheet.print_options.horizontalCentered = False


LINE_HEIGHT = 15  # points per line of 11-point text
PAGE_WIDTH = 180  # characters across an A4 landscape page, printed at about 70%


def print_across(sheet, *, title_columns: str = "A:B") -> None:
    """A sheet too wide to read on one page prints over as many pages across as it needs,
    each starting with ``title_columns`` (団体コード and name), instead of shrunk to one."""
    widths = sum(dimension.width or MIN_WIDTH
                 for dimension in sheet.column_dimensions.values())
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = max(1, math.ceil(widths / PAGE_WIDTH))
    sheet.print_title_cols = title_columns


HEADER_WRAP = 10  # a heading wider than this and than its column's values wraps


def wrapped_header(sheet, rows) -> list[int]:
    """Column widths for a filled sheet: a long heading over short values (a count, a 0/1)
    wraps onto more lines instead of widening its column."""
    from openpyxl.styles import Alignment

    header, values = widths_of(rows[:1]), widths_of(rows[1:])
    widths, lines = [], 1
    for index, heading in enumerate(header):
        data = values[index] if index < len(values) else 0
        width = max(data, min(heading, HEADER_WRAP))
        widths.append(width)
        if heading > width + 2:
            lines = max(lines, math.ceil(heading / width))
    if lines > 1:
        for cell in sheet[1]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.row_dimensions[1].height = LINE_HEIGHT * min(lines, 4)
    return widths


def finish_filled_sheet(sheet, *, landscape: bool | None = None) -> None:
    """``finish_sheet`` for an ordinary sheet already filled: widths from its cells, and its
    numbers and dates given their formats."""
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    widths = wrapped_header(sheet, rows)
    finish_sheet(sheet, widths, rows=len(rows) - 1, landscape=landscape)
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, datetime):
                cell.number_format = DATETIME
            elif isinstance(cell.value, date):
                cell.number_format = DATE
            elif isinstance(cell.value, int | float | Decimal) \
                    and not isinstance(cell.value, bool):
                # Whole numbers with thousands separators; fractions with two decimals.
                cell.number_format = COUNT if cell.value == int(cell.value) else "#,##0.00"


def number_format(sheet, column: int, fmt: str, *, first_row: int = 2,
                  last_row: int | None = None) -> None:
    """Gives the cells of one column (in an ordinary sheet) a number format."""
    for (cell,) in sheet.iter_rows(min_row=first_row, max_row=last_row or sheet.max_row,
                                   min_col=column, max_col=column):
        if isinstance(cell.value, int | float | date) and not isinstance(cell.value, bool):
            cell.number_format = fmt


def notes_sheet(book, title: str, lines) -> None:
    """The titles and notes that would otherwise sit above a header: a sheet of their own,
    「説明」, one note per row (item, text)."""
    from openpyxl.styles import Alignment, Font

    sheet = book.create_sheet("説明")
    append(sheet, ["項目", "内容"], font=Font(bold=True))
    append(sheet, ["表題", title])
    lines = list(lines)
    for item, text in lines:
        append(sheet, [item, text])
    for (cell,) in sheet.iter_rows(min_row=2, min_col=2, max_col=2):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Spreadsheets do not grow a row for wrapped text they did not lay out themselves.
        wrapped = math.ceil(text_width(cell.value) / (MAX_WIDTH - 2)) or 1
        if wrapped > 1:
            sheet.row_dimensions[cell.row].height = LINE_HEIGHT * wrapped
    finish_sheet(sheet, [max(text_width(item) for item, _text in lines) if lines else 12,
                         MAX_WIDTH], rows=sheet.max_row - 1, landscape=False)


def chart_sheet(book, title: str, image) -> None:
    """A chart picture on a sheet of its own, printed alone on one landscape A4 page: a page
    break never cuts it and it prints at a readable size whatever the tables beside it."""
    from .chart_images import place

    sheet = book.create_sheet(title)
    place(sheet, image, "A1")
    print_setup(sheet, landscape=True)
    sheet.page_setup.fitToHeight = 1
