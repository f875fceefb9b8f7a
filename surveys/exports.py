"""A survey's answers as xlsx (raw answers, a sheet per question, the notes in 「説明」) and CSV
(UTF-8 with BOM, CRLF)."""

import io
import re
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.chart_images import chart_images, place
from portal.lib.japanese import fiscal_year_label
from portal.lib.reports import XLSX_TYPE
from portal.lib.spreadsheets import CsvWriter, append, code_cell
from portal.lib.workbooks import (
    PERCENT,
    finish_filled_sheet,
    notes_sheet,
    number_format,
    print_across,
    print_setup,
)

from .answer_files import attachments_for
from .answer_form import OTHER, RANKS, choice_values, grid_names
from .conditions import shown_questions
from .models import Question

SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


NUMBER = re.compile(r"-?\d{1,14}(\.\d{1,2})?")


def _number(value):
    """A number answer as a number, so -5 stays a figure; a draft's stray text stays text."""
    if isinstance(value, int | float | Decimal):
        return value
    text = str(value).strip()
    if not NUMBER.fullmatch(text):
        return value
    number = Decimal(text)
    return int(number) if number == number.to_integral_value() else number


def kind_columns(question) -> list[str] | None:
    """The raw-answer headers of the question kinds with a layout of their own: a grid's rows,
    a date, a file (name and link); a display-only text has none. None: the common layout."""
    if question.kind == Question.Kind.DISPLAY:
        return []
    if question.kind == Question.Kind.GRID:
        return [_("%(question)s — %(row)s") % {"question": question.text, "row": row}
                for row in question.rows]
    if question.kind == Question.Kind.DATE:
        return [question.text]
    if question.kind == Question.Kind.FILE:
        return [question.text, _("%(question)s — link") % {"question": question.text}]
    return None


def kind_cells(question, answers: dict, files: dict, shown: set) -> list | None:
    """One answer's cells for ``kind_columns``: grid scores as numbers, a date as a date, a file
    as its name and download address; empty where the question was not shown."""
    import datetime

    from django.conf import settings
    from django.urls import reverse

    columns = kind_columns(question)
    if columns is None:
        return None
    if question.pk not in shown:
        return [""] * len(columns)
    if question.kind == Question.Kind.GRID:
        return [_number(answers[key]) if question.choices == [] and answers.get(key)
                else answers.get(key, "") for key in grid_names(question)]
    value = answers.get(f"q{question.pk}", "")
    if question.kind == Question.Kind.DATE:
        try:
            return [datetime.date.fromisoformat(str(value))] if value else [""]
        except ValueError:
            return [value]
    if question.kind == Question.Kind.FILE:
        attachment = files.get(str(value))
        if attachment is None:
            return ["", ""]
        return [attachment.name, settings.PORTAL_BASE_URL.rstrip("/") + reverse(
            "file_download", args=[attachment.pk])]
    return []


MULTIPLE_KINDS = (Question.Kind.MULTIPLE, Question.Kind.FIELDS, Question.Kind.METHODS)


def _plain(value) -> str:
    return _("Other") if value == OTHER else str(value)


def _flag_options(question, shown) -> list[str]:
    """A multiple choice's options for its 0/1 columns: the offered ones in order, then any
    value an answer holds that is no longer offered."""
    options = choice_values(question)
    for response in shown:
        value = response.answers.get(f"q{question.pk}")
        if isinstance(value, list):
            options += [str(v) for v in value if str(v) not in options]
    return options


def _header(questions, options, *, flags: bool) -> list:
    header = [_("Local government code"), _("Municipality"), _("Status"), _("Submitted"),
              _("Late")]
    for question in questions:
        if (columns := kind_columns(question)) is not None:
            header += columns
            continue
        if question.kind == Question.Kind.RANKING:
            header += [_("%(question)s — choice %(rank)s") % {"question": question.text,
                                                              "rank": rank}
                       for rank in range(1, RANKS + 1)]
            continue
        header.append(question.text + (f"（{question.unit}）" if question.unit else ""))
        if flags and question.pk in options:
            header += [_("%(question)s: %(option)s") % {"question": question.text,
                                                       "option": _plain(option)}
                       for option in options[question.pk]]
        if question.allow_other:
            header.append(_("%(question)s — other") % {"question": question.text})
    return header


def _answer_cells(question, answers, options) -> list:
    """The cells one question takes in a row of answers; ``options`` when it has 0/1 columns."""
    name = f"q{question.pk}"
    if question.kind == Question.Kind.RANKING:
        return [answers.get(f"{name}_r{rank}", "") for rank in range(1, RANKS + 1)]
    value = answers.get(name, "")
    if question.kind in (Question.Kind.NUMBER, Question.Kind.SCALE) \
            and isinstance(value, str | int | float) and value != "":
        cells = [_number(value)]
    else:
        values = value if isinstance(value, list) else [value] if value else []
        cells = ["、".join(_plain(v) for v in values)]
        if options is not None:
            chosen = {str(v) for v in values}
            cells += [1 if option in chosen else 0 for option in options]
    if question.allow_other:
        cells.append(answers.get(f"{name}_other", ""))
    return cells


def raw_table(survey, rows, questions, *, flags: bool = True) -> list[list]:
    """The header, then one row per ``(municipality, status, response)`` in the order given
    (団体コード order); a row without a response has its code, name and status only.
    Choices are their standard values, “その他” text has a column of its own, and with
    ``flags`` each option of a multiple choice has a 0/1 column beside the joined text."""
    answered = [response for _m, _status, response in rows if response is not None]
    options = {question.pk: _flag_options(question, answered) for question in questions
               if flags and question.kind in MULTIPLE_KINDS}
    files = attachments_for(answered, questions)
    table = [_header(questions, options, flags=flags)]
    for municipality, status, response in rows:
        row = [municipality.lg_code, municipality.name, status]
        if response is None:
            table.append(row + [""] * (len(table[0]) - len(row)))
            continue
        row += [timezone.localtime(response.submitted_at).replace(tzinfo=None, microsecond=0)
                if response.submitted_at else "", _("yes") if response.is_late else ""]
        answers = response.answers
        shown = shown_questions(questions, answers)
        for question in questions:
            cells = kind_cells(question, answers, files.get(response.pk, {}), shown)
            row += cells if cells is not None else _answer_cells(question, answers,
                                                                 options.get(question.pk))
        table.append(row)
    return table


def choice_rows(responses, questions) -> list[list]:
    """Questions with several answers per municipality in long format: one row per
    municipality × question × chosen answer, in 団体コード and question order."""
    rows = [[_("Local government code"), _("Municipality"), _("Question"), _("Answer")]]
    for response in sorted(responses, key=lambda r: r.municipality.lg_code):
        for question in questions:
            value = response.answers.get(f"q{question.pk}", "")
            if not isinstance(value, list):
                continue
            rows += [[response.municipality.lg_code, response.municipality.name,
                      question.text, _plain(v)] for v in value]
    return rows


def grid_sheet(sheet, result, bold) -> None:
    """A grid's sheet: a row per grid row, the municipalities per column as numbers."""
    columns = [column for column, _count, _percent in result.grid[0][1]]
    append(sheet, [result.question.text, *columns, _("Answers")], font=bold)
    for row, cells, answered in result.grid:
        append(sheet, [row, *(count for _column, count, _percent in cells), answered])
    finish_filled_sheet(sheet)


def csv_response(survey, rows, questions) -> HttpResponse:
    """The raw answers as CSV: UTF-8 with BOM, CRLF, 団体コード kept as text (``code_cell``)."""
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells Excel the file is UTF-8
    table = raw_table(survey, rows, questions)
    CsvWriter(buffer).writerow(table[0])
    CsvWriter(buffer).writerows(
        [code_cell(row[0])] + [f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime)
                               else value for value in row[1:]] for row in table[1:])
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.csv"'
    return response


def xlsx_response(survey, computed: dict) -> HttpResponse:
    """The quick download: the same sheets without the chart pictures, which the results
    workbook report draws in the background."""
    content = xlsx_bytes(survey, computed, with_charts=False)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="survey-{survey.pk}.xlsx"'
    return response


def _by_code(rows):
    return sorted(rows, key=lambda row: row[0].lg_code)


def _counts_sheet(sheet, result, bold) -> None:
    # The question heads the answers' column: the header stays in row 1.
    append(sheet, [result.question.text, _("Number of municipalities"), _("Share")], font=bold)
    for label, count, _percent, *_rest in result.counts:
        append(sheet, [label, count, count / result.answered if result.answered else 0])
    finish_filled_sheet(sheet)
    number_format(sheet, 3, PERCENT)


def _ranking_sheet(sheet, result, bold) -> None:
    append(sheet, [result.question.text, *[_("Rank %(rank)s") % {"rank": rank}
                                           for rank in range(1, RANKS + 1)], _("Score")],
           font=bold)
    for label, by_rank, points, _last_year in result.ranks:
        append(sheet, [label, *by_rank, points])
    finish_filled_sheet(sheet)


def _per_municipality_sheet(sheet, heading: str, rows, bold) -> None:
    """A number or text question: one row per municipality that answered, with its code."""
    append(sheet, [_("Local government code"), _("Municipality"), heading], font=bold)
    for municipality, value in _by_code(rows):
        append(sheet, [municipality.lg_code, municipality.name, value])
    finish_filled_sheet(sheet)


def _answers_sheet(sheet, survey, rows, questions, bold) -> None:
    table = raw_table(survey, rows, questions)
    append(sheet, table[0], font=bold)
    for row in table[1:]:
        append(sheet, row)
    finish_filled_sheet(sheet)
    print_across(sheet)


def xlsx_bytes(survey, computed: dict, *, with_charts: bool = True) -> bytes:
    """``computed`` is ``results.results_for``'s: the answers, and each question's result.
    Every sheet has its header in row 1; the survey's title and the full questions are in
    「説明」. Charts sit right of their table, from row 2, so they print on the first page."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    results = computed["results"]
    questions = [result.question for result in results]
    workbook = Workbook()
    raw = workbook.active
    raw.title = _("Answers")
    _answers_sheet(raw, survey, computed["answer_rows"], questions, bold)
    charted = [result for result in results if with_charts and (result.counts or result.ranks)]
    images = dict(zip((result.question.pk for result in charted),
                      chart_images([result.chart for result in charted]), strict=True))
    notes = [(_("Fiscal year"), fiscal_year_label(survey.fiscal_year)),
             (_("Answers"), _("Every target municipality, in local government code order, with "
                              "the state of its answer; answers are shown once submitted. A "
                              "multiple choice has a column per option: 1 chosen, 0 not."))]
    for number, result in enumerate(results, start=1):
        question = result.question
        sheet = workbook.create_sheet(SHEET_NAME.sub("", f"Q{number} {question.text}")[:31])
        heading = question.text + (f"（{question.unit}）" if question.unit else "")
        notes.append((f"Q{number}", heading))
        if result.ranks:
            _ranking_sheet(sheet, result, bold)
        elif result.counts:
            _counts_sheet(sheet, result, bold)
        elif result.grid:
            grid_sheet(sheet, result, bold)
        elif result.numbers:
            _per_municipality_sheet(sheet, heading, result.numbers["rows"], bold)
        else:
            _per_municipality_sheet(sheet, heading, result.texts, bold)
        if question.pk in images:
            print_setup(sheet, landscape=True)
            place(sheet, images[question.pk], f"{get_column_letter(sheet.max_column + 2)}2")
    choices = choice_rows(computed["responses"], questions)
    if len(choices) > 1:
        sheet = workbook.create_sheet(_("Chosen answers"))
        append(sheet, choices[0], font=bold)
        for row in choices[1:]:
            append(sheet, row)
        finish_filled_sheet(sheet)
        notes.append((_("Chosen answers"), _("Questions with several answers: one row per "
                                             "municipality and answer.")))
    notes.append((_("Share"), _("Municipalities choosing the answer, out of those who "
                                "answered the question.")))
    notes.append((_("Score"), _("Rankings: %(weights)s.") % {"weights": computed["weights"]}))
    notes_sheet(workbook, survey.title, notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
