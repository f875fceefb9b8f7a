"""A survey's answers as xlsx (raw answers, a sheet per question, the notes in 「説明」) and CSV
(UTF-8 with BOM, CRLF)."""

import io
import re
from datetime import datetime
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.chart_images import chart_images, place
from portal.japanese import fiscal_year_label
from portal.reports import XLSX_TYPE
from portal.spreadsheets import CsvWriter, append
from portal.workbooks import PERCENT, finish_filled_sheet, notes_sheet, number_format

from .answer_files import attachments_for
from .answer_form import OTHER, RANKS, grid_names
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


def raw_table(survey, responses, questions) -> list[list]:
    """One row per municipality in 団体コード order; choices as their standard values, and the
    “その他” text in a column of its own."""
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
        if question.allow_other:
            header.append(_("%(question)s — other") % {"question": question.text})
    rows = [header]
    files = attachments_for(responses, questions)
    for response in sorted(responses, key=lambda r: r.municipality.lg_code):
        answers = response.answers
        shown = shown_questions(questions, answers)
        row = [response.municipality.lg_code, response.municipality.name,
               response.get_status_display(),
               timezone.localtime(response.submitted_at).replace(tzinfo=None, microsecond=0)
               if response.submitted_at else "", _("yes") if response.is_late else ""]
        for question in questions:
            name = f"q{question.pk}"
            if (cells := kind_cells(question, answers, files.get(response.pk, {}),
                                    shown)) is not None:
                row += cells
                continue
            if question.kind == Question.Kind.RANKING:
                row += [answers.get(f"{name}_r{rank}", "") for rank in range(1, RANKS + 1)]
                continue
            value = answers.get(name, "")
            if question.kind == Question.Kind.NUMBER and isinstance(value, str | int | float) \
                    and value != "":
                row.append(_number(value))
                continue
            values = value if isinstance(value, list) else [value] if value else []
            row.append("、".join(_("Other") if v == OTHER else str(v) for v in values))
            if question.allow_other:
                row.append(answers.get(f"{name}_other", ""))
        rows.append(row)
    return rows


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
                      question.text, _("Other") if v == OTHER else str(v)] for v in value]
    return rows


def grid_sheet(sheet, result, bold) -> None:
    """A grid's sheet: a row per grid row, the municipalities per column as numbers."""
    columns = [column for column, _count, _percent in result.grid[0][1]]
    append(sheet, [result.question.text, *columns, _("Answers")], font=bold)
    for row, cells, answered in result.grid:
        append(sheet, [row, *(count for _column, count, _percent in cells), answered])
    finish_filled_sheet(sheet)


def csv_response(survey, responses, questions) -> HttpResponse:
    buffer = io.StringIO()
    buffer.write("\ufeff")  # the byte order mark tells Excel the file is UTF-8
    CsvWriter(buffer).writerows(
        [f"{value:%Y-%m-%d %H:%M}" if isinstance(value, datetime) else value for value in row]
        for row in raw_table(survey, responses, questions))
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


def xlsx_bytes(survey, computed: dict, *, with_charts: bool = True) -> bytes:
    """``computed`` is ``results.results_for``'s: the answers, and each question's result.
    Every sheet has its header in row 1; the survey's title and the full questions are in
    「説明」. Charts sit right of their table, from row 2, so they print on the first page."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    results = computed["results"]
    questions = [result.question for result in results]
    workbook = Workbook()
    raw = workbook.active
    raw.title = _("Answers")
    table = raw_table(survey, computed["responses"], questions)
    append(raw, table[0], font=bold)
    for row in table[1:]:
        append(raw, row)
    finish_filled_sheet(raw)
    charted = [result for result in results if with_charts and result.counts]
    images = dict(zip((result.question.pk for result in charted),
                      chart_images([result.chart for result in charted]), strict=True))
    notes = [(_("Fiscal year"), fiscal_year_label(survey.fiscal_year))]
    for number, result in enumerate(results, start=1):
        question = result.question
        sheet = workbook.create_sheet(SHEET_NAME.sub("", f"Q{number} {question.text}")[:31])
        notes.append((f"Q{number}", question.text + (f"（{question.unit}）"
                                                      if question.unit else "")))
        if result.counts:
            # The question heads the answers' column: the header stays in row 1.
            append(sheet, [question.text, _("Number of municipalities"), _("Share")],
                   font=bold)
            for label, count, _percent, *_rest in result.counts:
                append(sheet, [label, count, count / result.answered if result.answered else 0])
            finish_filled_sheet(sheet, landscape=question.pk in images)
            number_format(sheet, 3, PERCENT)
            if question.pk in images:
                place(sheet, images[question.pk], "E2")
        elif result.grid:
            grid_sheet(sheet, result, bold)
        elif result.numbers:
            append(sheet, [_("Municipality"), question.text + (
                f"（{question.unit}）" if question.unit else "")], font=bold)
            for municipality, value in result.numbers["rows"]:
                append(sheet, [municipality.name, value])
            finish_filled_sheet(sheet)
        else:
            append(sheet, [_("Municipality"), question.text], font=bold)
            for municipality, text in result.texts:
                append(sheet, [municipality.name, text])
            finish_filled_sheet(sheet)
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
    notes_sheet(workbook, survey.title, notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
