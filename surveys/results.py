"""Results of a survey: counts, cross-tabulations, numbers, free text, shared needs."""

import json
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import connection
from django.utils.translation import gettext as _

from collaboration.models import Theme
from portal.lib import written_out
from portal.lib.charts import bar_chart
from portal.models import Municipality, Region
from portal.selectors import regions as all_regions

from .answer_files import attachments_for
from .answer_form import OTHER, RANKS, choice_values, grid_names, grid_scale
from .conditions import shown_questions
from .models import Question, Section, SurveyResponse
from .policies import followed, followed_answers, results_scope

CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.FIELDS,
                Question.Kind.METHODS, Question.Kind.SCALE, Question.Kind.RANKING)
# A need chosen by at least this many municipalities is a candidate for joint work.
SHARED_NEED = 3
# Wide characters that fit along a chart's axis at its label size.
CHART_LABEL_ROOM = 44
# Points for a ranking: 1位 3, 2位 2, 3位 1.
WEIGHTS = tuple(RANKS + 1 - rank for rank in range(1, RANKS + 1))
# Similar cases are looked up for this many of the most chosen shared needs, this many each.
SUGGESTED_NEEDS = 8
SUGGESTIONS_PER_NEED = 3
TEXT_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)
# What a need is read from: what was written at length. A short text answers who and where
# (a section, a title, an extension number), and its words are no one's need.
NEED_TEXT_KINDS = (Question.Kind.LONG_TEXT,)


@dataclass
class QuestionResult:
    question: Question
    answered: int
    counts: list = field(default_factory=list)  # (choice, count, percent, by region, by kind)
    chart: object = None
    numbers: dict | None = None
    texts: list = field(default_factory=list)  # (municipality, text)
    others: list = field(default_factory=list)
    shown: int | None = None  # municipalities the question was shown to, when it has a condition
    grid: list = field(default_factory=list)  # (row, [(column, count, percent)], answered)
    files: list = field(default_factory=list)  # (municipality, attachment)
    ranks: list = field(default_factory=list)  # (choice, count per rank, score, last year's)


def _reader(question):
    """What an answer holds for ``question``, as a function of the answer: the keys are
    worked out once for all the answers."""
    name = f"q{question.pk}"
    if question.kind in (Question.Kind.GRID, Question.Kind.RANKING):
        keys = grid_names(question) if question.kind == Question.Kind.GRID \
            else [f"{name}_r{rank}" for rank in range(1, RANKS + 1)]
        return lambda answers: [answers[key] for key in keys if answers.get(key)]

    def read(answers) -> list[str]:
        value = answers.get(name)
        if value in (None, "", []):
            return []
        return [str(item) for item in value] if isinstance(value, list) else [str(value)]

    return read


def _values(question, answers) -> list[str]:
    return _reader(question)(answers)


def grid_counts(question, answer_sets) -> list:
    """Per row of a grid: how many chose each column, and the share of those who answered
    that row."""
    columns = [value for value, _label in grid_scale(question)]
    rows = []
    for key, row in zip(grid_names(question), question.rows, strict=True):
        counter = Counter(str(answers[key]) for answers in answer_sets if answers.get(key))
        answered = sum(counter.values())
        rows.append((row, [(column, counter[column], round(100 * counter[column] / answered)
                            if answered else 0) for column in columns], answered))
    return rows


def file_answers(question, responses, files) -> list:
    """The stored file of each answer that has one (only files of that answer count)."""
    key = f"q{question.pk}"
    return [(r.municipality, attachment) for r in responses
            if (attachment := files.get(r.pk, {}).get(str(r.answers.get(key, ""))))]


def date_answers(answered) -> list:
    """Dates as 和暦 with the Western year; a draft's stray text as typed."""
    import datetime

    from portal.lib.japanese import wareki_date

    rows = []
    for municipality, values in answered:
        try:
            rows.append((municipality, wareki_date(datetime.date.fromisoformat(values[0]))))
        except ValueError:
            rows.append((municipality, values[0]))
    return rows


@dataclass(slots=True, eq=False)
class Respondent:
    """A municipality as the results name it (its name, 団体コード, kind and region): what
    the page, the workbook and the meeting packet show of it."""

    pk: int
    lg_code: str
    name: str
    kind: str
    region_id: int
    region: Region | None = None

    def __str__(self):
        return self.name


@dataclass(slots=True, eq=False)
class Submitted:
    """A submitted answer as the results read it: whose it is and what it holds."""

    pk: int
    municipality: Respondent
    answers: dict

    @property
    def municipality_id(self) -> int:
        return self.municipality.pk


class _Scope:
    """What ``policies.results_scope`` asks of the answers, recorded as a condition of the
    written-out statement; any condition it does not know is refused, not ignored."""

    def __init__(self):
        self.region, self.nothing = None, False

    def filter(self, municipality__region):
        self.region = municipality__region
        return self

    def none(self):
        self.nothing = True
        return self


# Written out: the ORM spent five times as long building the answers' models as the query
# took. No ORDER BY, as the ORM's query had none: the same plan lists them in the same order.
_SUBMITTED = """
SELECT r.id, r.answers, m.id, m.lg_code, m.name, m.kind, m.region_id
FROM surveys_surveyresponse r JOIN portal_municipality m ON m.id = r.municipality_id
WHERE r.survey_id = %s AND r.status = %s"""


def submitted_responses(user, survey, regions=None) -> list[Submitted]:
    """The submitted answers the results ``user`` sees count (``policies.results_scope``),
    each with its municipality's region (from ``regions``, all of them, when given)."""
    scope = results_scope(user, survey, _Scope())
    if scope.nothing:
        return []
    sql, params = _SUBMITTED, [survey.pk, SurveyResponse.Status.SUBMITTED.value]
    if scope.region is not None:
        sql, params = sql + " AND m.region_id = %s", [*params, getattr(scope.region, "pk",
                                                                      scope.region)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    by_pk = {region.pk: region for region in (regions if regions is not None
                                              else all_regions())}
    return [Submitted(pk, Respondent(m_pk, lg_code, name, kind, region_id, by_pk[region_id]),
                      json.loads(answers) if isinstance(answers, str) else answers)
            for pk, answers, m_pk, lg_code, name, kind, region_id in rows]


def survey_questions(survey) -> list[Question]:
    """``list(questions_of(survey))``, each question with its section, in one statement
    written out (the ORM's query and its 80 instances, a question's section built with each,
    took 4.2 ms of CPU for a survey of 40 questions; this 1.9 ms). A section is one instance,
    shared by its questions."""
    questions, sections = written_out.columns(Question, "q"), written_out.columns(Section, "s")
    read, of_section = [], {}
    cache_section = Question.section.field.set_cached_value
    for row in written_out.rows(
            f"SELECT {questions.sql}, {sections.sql} FROM {Question._meta.db_table} q "
            f"JOIN {Section._meta.db_table} s ON s.id = q.section_id WHERE s.survey_id = %s "
            'ORDER BY s."order", q."order", q.id', [survey.pk]):
        question, end = questions.take(row)
        section = of_section.get(question.section_id)
        if section is None:
            section = of_section[question.section_id] = sections.take(row, end)[0]
        cache_section(question, section)
        read.append(question)
    return read


def rank_counts(question, answers_list) -> dict[str, list[int]]:
    """For a ranking question: per choice, how many municipalities put it 1st, 2nd, 3rd."""
    counts: dict[str, list[int]] = {}
    for answers in answers_list:
        for rank in range(1, RANKS + 1):
            value = answers.get(f"q{question.pk}_r{rank}")
            if value:
                counts.setdefault(str(value), [0] * RANKS)[rank - 1] += 1
    return counts


def score(by_rank) -> int:
    return sum(count * weight for count, weight in zip(by_rank, WEIGHTS, strict=True))


def answer_rows(user, survey) -> list[tuple]:
    """The rows of the raw answers: every target municipality ``user`` follows (and any that
    submitted before leaving the targets), in 団体コード order, as (municipality, the board's
    name of its state, its answer when submitted, else None: drafts are not shown)."""
    from .board import labels, state_of

    targets = followed(user, survey)
    responses = followed_answers(user, SurveyResponse.objects.filter(
        survey=survey).select_related("municipality__region"))
    by_municipality = {response.municipality_id: response for response in responses}
    municipalities = {municipality.pk: municipality for municipality in targets}
    for response in by_municipality.values():
        if response.status == SurveyResponse.Status.SUBMITTED:
            municipalities.setdefault(response.municipality_id, response.municipality)
    names = labels()
    rows = []
    for municipality in sorted(municipalities.values(), key=lambda m: m.lg_code):
        response = by_municipality.get(municipality.pk)
        rows.append((municipality, names[state_of(response)], response if response is not None
                     and response.status == SurveyResponse.Status.SUBMITTED else None))
    return rows


def _previous_counts(survey) -> dict[str, Counter]:
    """Last year's counts per question text, when the survey was copied from last year's:
    municipalities per choice, or for a ranking each choice's score."""
    previous = survey.copied_from
    if previous is None:
        return {}
    counts = {}
    # Only the answers are needed, not their models.
    answers = list(SurveyResponse.objects.filter(
        survey=previous, status=SurveyResponse.Status.SUBMITTED).values_list("answers", flat=True))
    for question in survey_questions(previous):
        if question.kind == Question.Kind.RANKING:
            counts[question.text] = Counter({value: score(by_rank) for value, by_rank in
                                             rank_counts(question, answers).items()})
            continue
        counter = Counter()
        for given in answers:
            counter.update(set(_values(question, given)))
        counts[question.text] = counter
    return counts


def _label(value: str, other: str | None = None) -> str:
    return (other or _("Other (その他)")) if value == OTHER else value


def _offered(question, known: dict) -> list[str]:
    # Policy fields and methods: the values counted (this year or last), not all of them.
    if question.kind in (Question.Kind.FIELDS, Question.Kind.METHODS):
        return []
    return choice_values(question)


def _choice_order(question, *counters, known: dict) -> list[str]:
    """The question's choices in their order, then any value counted this year or last year
    that is no longer one of them: an option nobody chose is still a row (with 0)."""
    order = [str(n) for n in range(1, 6)] if question.kind == Question.Kind.SCALE \
        else _offered(question, known)
    for counter in counters:
        order += sorted(value for value in counter if value not in order)
    return order


def ranking_rows(question, responses, last_year, *, known: dict) -> list[tuple]:
    """Each choice with its count per rank and its score, best score first."""
    counts = rank_counts(question, [r.answers for r in responses])
    order = _choice_order(question, counts, last_year or {}, known=known)
    rows = [(_label(value), counts.get(value, [0] * RANKS), score(counts.get(value, [0] * RANKS)),
             last_year.get(value, 0) if last_year is not None else None) for value in order]
    return sorted(rows, key=lambda row: -row[2])


def _chart_points(rows) -> list[tuple]:
    """The bars of a chart: the answers somebody gave (the table lists every choice), each
    label cut to what fits under its bar."""
    shown = [(label, value) for label, value in rows if value] or rows
    fits = max(2, min(8, CHART_LABEL_ROOM // max(len(shown), 1)))
    return [(label[:fits], Decimal(value), "bar--actual") for label, value in shown]


def _shown_by_response(questions, responses) -> dict[int, set[int]]:
    """``shown_questions`` of each answer, decided once per distinct answer to the questions
    the conditions refer to (what is shown depends on nothing else)."""
    sources = sorted({pk for q in questions
                      for pk in (q.condition_question_id, q.section.condition_question_id)
                      if pk is not None})
    decided: dict[str, set[int]] = {}
    shown = {}
    for response in responses:
        key = json.dumps([response.answers.get(f"q{pk}") for pk in sources], sort_keys=True)
        if key not in decided:
            decided[key] = shown_questions(questions, response.answers)
        shown[response.pk] = decided[key]
    return shown


def _themes_of(survey) -> dict[tuple[int, str], Theme]:
    """The theme made from each (question, need) of ``survey``, with its title (what the page
    shows of it; its other fields are read if asked for), in one written-out statement: the
    ORM took a millisecond to build it, for a survey that mostly has none."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT s.question_id, s.choice, t.id, t.title FROM surveys_themesource s "
                       "JOIN collaboration_theme t ON t.id = s.theme_id WHERE s.survey_id = %s",
                       [survey.pk])
        return {(question, choice): Theme.from_db(connection.alias, ["id", "title"],
                                                  [pk, title])
                for question, choice, pk, title in cursor.fetchall()}


def _tallies(answered, places: dict, width: int) -> dict[str, list[int]]:
    """Per value chosen: how many chose it in each region and of each kind (the cells
    ``places`` gives each municipality), and in all (the last cell)."""
    tallies: dict[str, list[int]] = {}
    for municipality, values in answered:
        region, kind = places[municipality.pk]
        for value in set(values):
            cells = tallies.get(value)
            if cells is None:
                cells = tallies[value] = [0] * (width + 1)
            cells[width] += 1
            if region is not None:
                cells[region] += 1
            if kind is not None:
                cells[kind] += 1
    return tallies


def results_for(user, survey, *, with_rows: bool = False, similar_cases: bool = False) -> dict:
    """Everything the results page shows; ``with_rows`` adds the raw answers' rows for the
    exports, ``similar_cases`` each shared need with the initiatives most like it."""
    regions = all_regions()
    responses = submitted_responses(user, survey, regions)
    known: dict = {}
    previous = _previous_counts(survey)
    kinds = list(Municipality.Kind.choices)
    # Translated once, not for each of the page's rows and charts.
    other_label, points, municipalities = _("Other (その他)"), _("points"), _("municipalities")
    items = []
    questions = [q for q in survey_questions(survey) if q.kind != Question.Kind.DISPLAY]
    # Only what each municipality was shown counts, in the answers and in the shares.
    shown = _shown_by_response(questions, responses)
    files = attachments_for(responses, questions)
    # Each municipality's cells among a choice's counts: its region's, its kind's.
    region_at = {region.pk: n for n, region in enumerate(regions)}
    kind_at = {kind: len(regions) + n for n, (kind, _label) in enumerate(kinds)}
    places = {r.municipality.pk: (region_at.get(r.municipality.region_id),
                                  kind_at.get(r.municipality.kind)) for r in responses}
    width = len(regions) + len(kinds)
    blank = [0] * (width + 1)
    # Each answer's fields read once, not once per question.
    rows = [(r, r.answers, r.municipality, shown[r.pk]) for r in responses]
    for question in questions:
        pk = question.pk
        seen = [(r, answers, m) for r, answers, m, shown_to in rows if pk in shown_to]
        seen_by = [r for r, _answers, _m in seen]
        read = _reader(question)
        answered = [(m, values) for _r, answers, m in seen if (values := read(answers))]
        result = QuestionResult(question, len(answered))
        if question.condition_question_id or question.section.condition_question_id:
            result.shown = len(seen_by)
        if question.kind == Question.Kind.GRID:
            result.grid = grid_counts(question, [answers for _r, answers, _m in seen])
        elif question.kind == Question.Kind.FILE:
            result.files = file_answers(question, seen_by, files)
            result.texts = [(m, attachment.name) for m, attachment in result.files]
        elif question.kind == Question.Kind.DATE:
            result.texts = date_answers(answered)
        elif question.kind == Question.Kind.RANKING:
            result.ranks = ranking_rows(question, seen_by, previous.get(question.text),
                                        known=known)
            result.chart = bar_chart(_chart_points(
                [(label, points) for label, _by_rank, points, _last in result.ranks]),
                title=question.text, unit=points)
        elif question.kind in CHOICE_KINDS:
            tallies = _tallies(answered, places, width)
            last_year = previous.get(question.text)
            result.counts = [
                (_label(value, other_label), (cells := tallies.get(value, blank))[width],
                 round(100 * cells[width] / len(answered)) if answered else 0,
                 cells[:len(regions)], cells[len(regions):width],
                 last_year[value] if last_year is not None else None)
                for value in _choice_order(question, tallies, last_year or {}, known=known)]
            result.chart = bar_chart(_chart_points(
                [(label, count) for label, count, *_rest in result.counts]),
                title=question.text, unit=municipalities)
            other = f"q{pk}_other"
            result.others = [(m, answers[other]) for _r, answers, m in seen
                             if answers.get(other)]
        elif question.kind == Question.Kind.NUMBER:
            numbers = []
            for municipality, values in answered:
                try:
                    numbers.append((municipality, Decimal(values[0])))
                except InvalidOperation:
                    continue
            if numbers:
                amounts = sorted(value for _m, value in numbers)
                result.numbers = {"total": sum(amounts), "min": amounts[0], "max": amounts[-1],
                                  "median": amounts[len(amounts) // 2], "rows": numbers}
        else:
            result.texts = [(m, values[0]) for m, values in answered]
        items.append(result)

    themed = _themes_of(survey)
    shared = [(item, label, count, themed.get((item.question.pk, label)))
              for item in items
              if item.question.kind in (Question.Kind.FIELDS, Question.Kind.METHODS,
                                        Question.Kind.MULTIPLE)
              for label, count, *_rest in item.counts
              # "Other" is many different needs in their own words, not one shared.
              if count >= SHARED_NEED and label != other_label]
    return {
        "results": items, "responses": responses, "respondents": len(responses),
        "answer_rows": answer_rows(user, survey) if with_rows else None,
        "regions": regions,
        "has_previous": bool(previous), "previous": survey.copied_from,
        "rank_labels": [_("Rank %(rank)s") % {"rank": rank} for rank in range(1, RANKS + 1)],
        "weights": "、".join(_("rank %(rank)s %(points)s points") % {"rank": rank, "points": w}
                             for rank, w in enumerate(WEIGHTS, start=1)),
        "kinds": [label for _kind, label in kinds],
        "shared_needs": _with_similar_cases(user, shared, responses, items) if similar_cases
        else [(*need, []) for need in shared],
    }


def shared_needs_asked(shared, responses, items) -> tuple[list[int], list]:
    """The shared needs given similar cases (the most chosen first), by their place in
    ``shared``, and each as a need (``collaboration.similarity.Need``): the need itself and
    what the municipalities that chose it wrote."""
    from collaboration.similarity import Need

    readers = [_reader(item.question) for item in items
               if item.question.kind in NEED_TEXT_KINDS]
    texts = {r.pk: [value for read in readers for value in read(r.answers)] for r in responses}
    suggested = sorted(range(len(shared)), key=lambda n: -shared[n][2])[:SUGGESTED_NEEDS]
    chosen = {}  # question → what each response chose, read once for all of its labels
    needs = []
    for n in suggested:
        item, label, _count, _theme = shared[n]
        kind = item.question.kind
        if item.question.pk not in chosen:
            read = _reader(item.question)
            chosen[item.question.pk] = [(r.pk, set(read(r.answers))) for r in responses]
        wrote = [text for pk, values in chosen[item.question.pk] if label in values
                 for text in texts[pk]]
        needs.append(Need(
            title=label if kind == Question.Kind.MULTIPLE else "", text="\n".join(wrote),
            field_names=[label] if kind == Question.Kind.FIELDS else [],
            method_names=[label] if kind == Question.Kind.METHODS else []))
    return suggested, needs


def _with_similar_cases(user, shared, responses, items) -> list:
    """Each shared need with the initiatives most like it (``shared_needs_asked``), from the
    needs' kept lists (collaboration/need_store.py)."""
    from collaboration.need_store import similar_to_needs

    suggested, needs = shared_needs_asked(shared, responses, items)
    found = dict(zip(suggested, similar_to_needs(user, needs, limit=SUGGESTIONS_PER_NEED),
                     strict=True)) if needs else {}
    return [(*need, found.get(n, [])) for n, need in enumerate(shared)]
