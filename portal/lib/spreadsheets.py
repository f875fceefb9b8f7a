"""Cells for every CSV and xlsx the portal hands out.

What one municipality types ends up in the prefecture's spreadsheets, so no text may become a
formula there. CSV follows OWASP's rule: text starting with = + - @, a tab or a carriage
return gets a leading apostrophe. In xlsx text is always a string cell, and such text is also
marked "quote prefix" (Excel's own apostrophe) so editing the cell keeps it text.
Numbers, dates and empty cells are written as they are: -5 is a number, not a formula."""

import csv
import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CODES = re.compile(r"\d{6}( \d{6})*")


class _CodeCell(str):
    """A CSV cell the portal itself writes as ="…": never text a user typed."""


def code_cell(codes: str) -> str:
    """団体コード (one, or several separated by spaces) for a CSV cell, as ="062014".

    Read as a plain value, LibreOffice's default import and Excel both make 062014 the number
    62014; written so, both evaluate it to the text 062014 and keep the leading zero."""
    if not codes:
        return codes
    if not CODES.fullmatch(codes):
        raise ValueError(f"not 団体コード: {codes!r}")
    return _CodeCell(f'="{codes}"')


def safe_text(value):
    """A CSV cell: text a spreadsheet would read as a formula is prefixed with ``'``."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) \
            and not isinstance(value, _CodeCell):
        return "'" + value
    return value


_FORMULA_FIRST = frozenset(FORMULA_STARTS)


def safe_row(values) -> list:
    """``safe_text`` of each value, inlined: exports call it for every cell of 100,000 rows."""
    return [("'" + value) if isinstance(value, str) and value[:1] in _FORMULA_FIRST
            and not isinstance(value, _CodeCell) else value for value in values]


class CsvWriter:
    """``csv.writer`` whose every row goes through ``safe_text``."""

    def __init__(self, handle):
        self._writer = csv.writer(handle)

    def writerow(self, values):
        return self._writer.writerow(safe_row(values))

    def writerows(self, rows):
        self._writer.writerows(map(safe_row, rows))


def _without_control_characters(value: str) -> str:
    """xlsx cannot hold most control characters (openpyxl refuses the whole file); a line
    break pasted from Word (vertical tab, form feed) stays a line break, the rest goes."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub(
        lambda match: "\n" if match.group() in "\x0b\x0c" else "", value)


def cell(sheet, value, *, font=None):
    """An xlsx cell for ``sheet`` (ordinary or write-only); text is a string, never a formula."""
    from openpyxl.cell import Cell

    if isinstance(value, str):
        value = _without_control_characters(value)
    new = Cell(sheet, row=1, column=1, value=value)  # append moves it to its place
    if isinstance(value, str):
        # openpyxl reads "=…" as a formula and "#N/A" as an error; user text is neither.
        new.data_type = "s"
        if value.startswith(FORMULA_STARTS):
            new.quotePrefix = True
    if font is not None:
        new.font = font
    return new


def _typed_wrongly(value) -> bool:
    """Text openpyxl would not store as a plain string on its own."""
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE

    return isinstance(value, str) and (value.startswith(FORMULA_STARTS) or value in ERROR_CODES
                                       or ILLEGAL_CHARACTERS_RE.search(value) is not None)


def append(sheet, values, *, font=None) -> None:
    """Adds a row to ``sheet`` the way ``sheet.append`` does, every value through ``cell``.
    Values openpyxl already types right are passed as they are, which keeps a 100,000-row
    write-only export from building a cell object per value."""
    sheet.append([cell(sheet, value, font=font) if font is not None or _typed_wrongly(value)
                  else value for value in values])
