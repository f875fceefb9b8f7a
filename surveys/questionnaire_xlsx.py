"""A questionnaire as an xlsx sheet a planner can fill in: one row per question (a row with a
section and nothing else is an empty section). Reading checks every row and reports each
problem with its row and column; nothing is imported unless the whole sheet is right."""

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from portal.lib.spreadsheets import append
from portal.lib.workbooks import finish_filled_sheet, notes_sheet

from .building_forms import QuestionForm
from .conditions import CONDITION_KINDS
from .models import Question

MAX_ROWS = 500
# (key, header): the header is what the planner reads; the key what the code means.
COLUMNS = [
    ("section", "節"), ("section_condition", "節の表示条件"), ("kind", "形式"),
    ("text", "設問"), ("help_text", "説明"), ("required", "必須"),
    ("choices", "選択肢（1行に1つ）"), ("allow_other", "その他（自由記述）あり"),
    ("rows", "表の行（1行に1つ）"), ("max_length", "文字数の上限"), ("unit", "単位"),
    ("minimum", "最小値"), ("maximum", "最大値"), ("condition", "表示条件"),
]
HEADERS = [header for _key, header in COLUMNS]
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
YES = {"○", "◯", "はい", "必須", "あり", "1", "true", "yes", "y"}
CONDITION = re.compile(r"^問\s*(\d{1,3})\s*[=＝]\s*(.+)$")
# The form's fields and the columns they come from, so the form's messages land on a cell.
FORM_COLUMNS = {"kind": "kind", "text": "text", "help_text": "help_text",
                "required": "required", "choices_text": "choices", "allow_other": "allow_other",
                "rows_text": "rows", "max_length": "max_length", "unit": "unit",
                "minimum": "minimum", "maximum": "maximum", "__all__": "kind"}


def kind_names() -> dict[str, str]:
    """Each type by its Japanese name as in the builder's list, and by its code."""
    names = {str(label): value for value, label in Question.Kind.choices}
    names.update({value: value for value in Question.Kind.values})
    return names


def _yes(value) -> str:
    return "○" if value else ""


def _number(value):
    if value is None:
        return ""
    return int(value) if value == value.to_integral_value() else float(value)


def _condition_cell(item, numbers: dict[int, int]) -> str:
    if item.condition_question_id not in numbers:
        return ""
    return "\n".join(f"問{numbers[item.condition_question_id]}={value}"
                     for value in item.condition_values)


def questionnaire_rows(survey) -> list[list]:
    """The header and one row per question (and per empty section), in questionnaire order;
    a condition names its question by its number (問3 = the third question row)."""
    from .services import questions_of

    questions = list(questions_of(survey))
    numbers = {question.pk: number for number, question in enumerate(questions, start=1)}
    labels = dict(Question.Kind.choices)
    rows = [HEADERS]
    by_section = {}
    for question in questions:
        by_section.setdefault(question.section_id, []).append(question)
    for section in survey.sections.all():
        section_cells = [section.title, _condition_cell(section, numbers)]
        if not by_section.get(section.pk):
            rows.append(section_cells + [""] * (len(COLUMNS) - 2))
        for question in by_section.get(section.pk, []):
            rows.append(section_cells + [
                str(labels[question.kind]), question.text, question.help_text,
                _yes(question.required), "\n".join(map(str, question.choices)),
                _yes(question.allow_other), "\n".join(map(str, question.rows)),
                question.max_length or "", question.unit, _number(question.minimum),
                _number(question.maximum), _condition_cell(question, numbers)])
    return rows


def _workbook_bytes(rows, survey_title: str, notes) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "設問"
    append(sheet, rows[0], font=Font(bold=True))
    for row in rows[1:]:
        append(sheet, row)
    finish_filled_sheet(sheet, landscape=True)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes_sheet(workbook, survey_title, notes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _notes():
    kinds = "、".join(str(label) for _value, label in Question.Kind.choices)
    return [
        (_("Type"), kinds),
        (_("Required"), _("○ for a required question; empty otherwise.")),
        (_("Condition"), _("問3=はい: shown only when question 3 (the third question row) is "
                           "answered はい; one per line for several answers of the same "
                           "question, which must be an earlier single or multiple choice.")),
        (_("Section"), _("Rows with the same section one after another form a section; a row "
                         "with only a section is an empty section.")),
    ]


def questionnaire_bytes(survey) -> bytes:
    return _workbook_bytes(questionnaire_rows(survey), survey.title, _notes())


def template_bytes() -> bytes:
    """The sheet to fill in, with a few example rows."""
    labels = {value: str(label) for value, label in Question.Kind.choices}
    blank = dict.fromkeys(HEADERS, "")
    examples = [
        {"節": "体制", "形式": labels["single"], "設問": "連携協定はありますか", "必須": "○",
         "選択肢（1行に1つ）": "はい\nいいえ"},
        {"節": "体制", "形式": labels["file"], "設問": "協定書", "表示条件": "問1=はい"},
        {"節": "体制", "形式": labels["display"], "設問": "次の設問は1〜5でお答えください。"},
        {"節": "課題", "形式": labels["grid"], "設問": "分野ごとの連携の必要性",
         "表の行（1行に1つ）": "防災\n水道\n観光"},
        {"節": "課題", "形式": labels["long_text"], "設問": "県への要望", "文字数の上限": 400},
        {"節": "課題", "形式": labels["date"], "設問": "次回の見直し予定日"},
    ]
    rows = [HEADERS] + [[{**blank, **example}[header] for header in HEADERS]
                        for example in examples]
    return _workbook_bytes(rows, _("Questionnaire template"), _notes())


@dataclass
class Problem:
    row: int
    column: str  # its letter and header, 「C（形式）」
    message: str

    def __str__(self):
        return _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": self.row, "column": self.column, "message": self.message}


@dataclass
class Parsed:
    """What a right sheet holds: the sections in order, each with its condition and
    questions (model instances not saved, conditions by question number)."""

    sections: list = field(default_factory=list)  # [title, condition, [(question, cond)]]
    problems: list = field(default_factory=list)


def _cell(column: str) -> str:
    index = [key for key, _header in COLUMNS].index(column)
    return f"{LETTERS[index]}（{HEADERS[index]}）"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _parse_condition(text: str, number: int, questions: dict[int, Question]):
    """(question number, values) or a message."""
    if not text:
        return None
    sources, values = set(), []
    for line in filter(None, (line.strip() for line in text.split("\n"))):
        match = CONDITION.match(line)
        if not match:
            return _("Write the condition as 問3=はい (one per line).")
        sources.add(int(match.group(1)))
        values.append(match.group(2).strip())
    if len(sources) != 1:
        return _("A condition names one question only.")
    source = sources.pop()
    if source >= number or source not in questions:
        return _("問%(number)s is not an earlier question.") % {"number": source}
    question = questions[source]
    if question.kind not in CONDITION_KINDS:
        return _("問%(number)s is not a single or multiple choice question.") % {
            "number": source}
    unknown = [value for value in values if value not in map(str, question.choices)]
    if unknown:
        return _("問%(number)s has no choice “%(value)s”.") % {"number": source,
                                                               "value": unknown[0]}
    return source, values


def parse(content: bytes) -> Parsed:
    """Reads and checks a questionnaire sheet (already through the upload checks)."""
    from openpyxl import load_workbook

    parsed = Parsed()
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        parsed.problems.append(Problem(1, "—", _("The file could not be read as an Excel "
                                                 "workbook.")))
        return parsed
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_text(value) for value in next(rows, ())]
    missing = [name for name in HEADERS if name not in header]
    if missing:
        parsed.problems.append(Problem(1, "—", _("Columns missing: %(columns)s. Start from "
                                                 "the template.") % {
            "columns": "、".join(missing)}))
        return parsed
    where = {key: header.index(name) for key, name in COLUMNS}
    kinds = kind_names()
    questions: dict[int, Question] = {}
    current = None
    for row_number, values in enumerate(rows, start=2):
        if row_number > MAX_ROWS + 1:
            parsed.problems.append(Problem(row_number, "—", _(
                "A questionnaire has at most %(max)s rows.") % {"max": MAX_ROWS}))
            break
        cell = {key: _text(values[index]) if index < len(values) else ""
                for key, index in where.items()}
        if not any(cell.values()):
            continue

        def problem(column, message, row=row_number):
            parsed.problems.append(Problem(row, _cell(column), str(message)))

        if not cell["section"]:
            problem("section", _("Give the section."))
            continue
        if current is None or current[0] != cell["section"]:
            current = [cell["section"][:200], None, []]
            current_condition_text = cell["section_condition"]
            parsed.sections.append(current)
            # The section's condition: questions before the section may be named.
            condition = _parse_condition(cell["section_condition"], len(questions) + 1,
                                         questions)
            if isinstance(condition, str):
                problem("section_condition", condition)
            else:
                current[1] = condition
        elif cell["section_condition"] and cell["section_condition"] != current_condition_text:
            problem("section_condition", _("The rows of one section have different "
                                           "conditions."))
        if not cell["kind"] and not cell["text"]:
            continue  # a section without questions
        kind = kinds.get(cell["kind"])
        if kind is None:
            problem("kind", _("Unknown type “%(kind)s”; use one of the list in the "
                              "「説明」 sheet.") % {"kind": cell["kind"][:40]})
            continue
        form = QuestionForm({
            "kind": kind, "text": cell["text"], "help_text": cell["help_text"],
            "required": "on" if cell["required"].lower() in YES else "",
            "choices_text": cell["choices"],
            "allow_other": "on" if cell["allow_other"].lower() in YES else "",
            "rows_text": cell["rows"], "max_length": cell["max_length"], "unit": cell["unit"],
            "minimum": cell["minimum"], "maximum": cell["maximum"]})
        number = len(questions) + 1
        if not form.is_valid():
            for name, errors in form.errors.items():
                problem(FORM_COLUMNS.get(name, "kind"), " ".join(errors))
            questions[number] = Question(kind=kind, choices=[])
            continue
        question = form.save(commit=False)
        condition = _parse_condition(cell["condition"], number, questions)
        if isinstance(condition, str):
            problem("condition", condition)
            condition = None
        questions[number] = question
        current[2].append((question, condition))
    if not questions and not parsed.problems:
        parsed.problems.append(Problem(2, "—", _("The sheet has no questions.")))
    return parsed
