"""Results of a survey: counts, cross-tabulations, numbers, free text, shared needs."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal.charts import bar_chart
from portal.models import Municipality, Region

from .answer_files import attachments_for
from .answer_form import OTHER, RANKS, grid_names, grid_scale
from .conditions import shown_questions
from .models import Question, SurveyResponse, ThemeSource
from .policies import results_scope
from .services import questions_of

CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.FIELDS,
                Question.Kind.METHODS, Question.Kind.SCALE, Question.Kind.RANKING)
# A need chosen by at least this many municipalities is a candidate for joint work.
SHARED_NEED = 3


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


def _values(question, answers) -> list[str]:
    name = f"q{question.pk}"
    if question.kind == Question.Kind.GRID:
        return [answers[key] for key in grid_names(question) if answers.get(key)]
    if question.kind == Question.Kind.RANKING:
        return [answers.get(f"{name}_r{rank}") for rank in range(1, RANKS + 1)
                if answers.get(f"{name}_r{rank}")]
    value = answers.get(name)
    if value in (None, "", []):
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


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

    from portal.japanese import wareki_date

    rows = []
    for municipality, values in answered:
        try:
            rows.append((municipality, wareki_date(datetime.date.fromisoformat(values[0]))))
        except ValueError:
            rows.append((municipality, values[0]))
    return rows


def submitted_responses(user, survey) -> list[SurveyResponse]:
    """The submitted answers the results ``user`` sees count (``policies.results_scope``)."""
    responses = SurveyResponse.objects.filter(
        survey=survey, status=SurveyResponse.Status.SUBMITTED).select_related(
        "municipality__region")
    return list(results_scope(user, survey, responses))


def _previous_counts(survey) -> dict[str, Counter]:
    """Last year's counts per question text, when the survey was copied from last year's."""
    previous = survey.copied_from
    if previous is None:
        return {}
    counts = {}
    answers = [r.answers for r in SurveyResponse.objects.filter(
        survey=previous, status=SurveyResponse.Status.SUBMITTED)]
    for question in questions_of(previous):
        counter = Counter()
        for given in answers:
            counter.update(set(_values(question, given)))
        counts[question.text] = counter
    return counts


def results_for(user, survey) -> dict:
    responses = submitted_responses(user, survey)
    previous = _previous_counts(survey)
    regions = list(Region.objects.all())
    kinds = list(Municipality.Kind.choices)
    items = []
    questions = [q for q in questions_of(survey) if q.kind != Question.Kind.DISPLAY]
    # Only what each municipality was shown counts, in the answers and in the shares.
    shown = {r.pk: shown_questions(questions, r.answers) for r in responses}
    files = attachments_for(responses, questions)
    for question in questions:
        seen_by = [r for r in responses if question.pk in shown[r.pk]]
        answered = [(r.municipality, _values(question, r.answers)) for r in seen_by]
        answered = [(m, values) for m, values in answered if values]
        result = QuestionResult(question, len(answered))
        if question.condition_question_id or question.section.condition_question_id:
            result.shown = len(seen_by)
        if question.kind == Question.Kind.GRID:
            result.grid = grid_counts(question, [r.answers for r in seen_by])
        elif question.kind == Question.Kind.FILE:
            result.files = file_answers(question, seen_by, files)
            result.texts = [(m, attachment.name) for m, attachment in result.files]
        elif question.kind == Question.Kind.DATE:
            result.texts = date_answers(answered)
        elif question.kind in CHOICE_KINDS:
            counter, by_region, by_kind = Counter(), Counter(), Counter()
            for municipality, values in answered:
                for value in set(values):
                    counter[value] += 1
                    by_region[(value, municipality.region_id)] += 1
                    by_kind[(value, municipality.kind)] += 1
            order = [str(c) for c in question.choices] or sorted(counter)
            if question.kind == Question.Kind.SCALE:
                order = [str(n) for n in range(1, 6)]
            order += [value for value in counter if value not in order]
            last_year = previous.get(question.text)
            result.counts = [
                (value if value != OTHER else _("Other (その他)"), counter[value],
                 round(100 * counter[value] / len(answered)) if answered else 0,
                 [by_region[(value, region.pk)] for region in regions],
                 [by_kind[(value, kind)] for kind, _label in kinds],
                 last_year[value] if last_year is not None else None)
                for value in order]
            result.chart = bar_chart([(label[:8], Decimal(count), "bar--actual")
                                      for label, count, *_rest in result.counts],
                                     title=question.text, unit=_("municipalities"))
            result.others = [(m, r.answers.get(f"q{question.pk}_other")) for r in seen_by
                             if (m := r.municipality) and r.answers.get(f"q{question.pk}_other")]
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

    themed = {(source.question_id, source.choice): source.theme for source in
              ThemeSource.objects.filter(survey=survey).select_related("theme")}
    return {
        "results": items, "responses": responses, "respondents": len(responses),
        "regions": regions,
        "has_previous": bool(previous), "previous": survey.copied_from,
        "kinds": [label for _kind, label in kinds],
        "shared_needs": [(item, label, count, themed.get((item.question.pk, label)))
                         for item in items
                         if item.question.kind in (Question.Kind.FIELDS, Question.Kind.METHODS,
                                                   Question.Kind.MULTIPLE)
                         for label, count, *_rest in item.counts
                         # "Other" is many different needs in their own words, not one shared.
                         if count >= SHARED_NEED and label != _("Other (その他)")],
    }
