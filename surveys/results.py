"""Results of a survey: counts, cross-tabulations, numbers, free text, shared needs."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from portal.charts import bar_chart
from portal.models import Municipality, Region

from .answer_form import OTHER, RANKS
from .models import Question, SurveyResponse
from .services import questions_of

CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.FIELDS,
                Question.Kind.METHODS, Question.Kind.SCALE, Question.Kind.RANKING)
# A need chosen by at least this many municipalities is a candidate for joint work.
SHARED_NEED = 3
# Similar cases are looked up for this many of the most chosen shared needs, this many each.
SUGGESTED_NEEDS = 8
SUGGESTIONS_PER_NEED = 3
TEXT_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)


@dataclass
class QuestionResult:
    question: Question
    answered: int
    counts: list = field(default_factory=list)  # (choice, count, percent, by region, by kind)
    chart: object = None
    numbers: dict | None = None
    texts: list = field(default_factory=list)  # (municipality, text)
    others: list = field(default_factory=list)


def _values(question, answers) -> list[str]:
    name = f"q{question.pk}"
    if question.kind == Question.Kind.RANKING:
        return [answers.get(f"{name}_r{rank}") for rank in range(1, RANKS + 1)
                if answers.get(f"{name}_r{rank}")]
    value = answers.get(name)
    if value in (None, "", []):
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]


def submitted_responses(user, survey) -> list[SurveyResponse]:
    """The submitted answers ``user`` follows: all for prefecture staff, a region otherwise."""
    responses = SurveyResponse.objects.filter(
        survey=survey, status=SurveyResponse.Status.SUBMITTED).select_related(
        "municipality__region")
    if not user.is_prefecture:
        responses = responses.filter(municipality__region=user.scope_region)
    return list(responses)


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


def results_for(user, survey, *, similar_cases: bool = False) -> dict:
    """Everything the results page shows; with ``similar_cases``, each shared need with the
    initiatives most like it."""
    responses = submitted_responses(user, survey)
    previous = _previous_counts(survey)
    regions = list(Region.objects.all())
    kinds = list(Municipality.Kind.choices)
    items = []
    for question in questions_of(survey):
        answered = [(r.municipality, _values(question, r.answers)) for r in responses]
        answered = [(m, values) for m, values in answered if values]
        result = QuestionResult(question, len(answered))
        if question.kind in CHOICE_KINDS:
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
            result.others = [(m, r.answers.get(f"q{question.pk}_other")) for r in responses
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
    from .models import ThemeSource

    themed = {(source.question_id, source.choice): source.theme for source in
              ThemeSource.objects.filter(survey=survey).select_related("theme")}
    shared = [(item, label, count, themed.get((item.question.pk, label)))
              for item in items
              if item.question.kind in (Question.Kind.FIELDS, Question.Kind.METHODS,
                                        Question.Kind.MULTIPLE)
              for label, count, *_rest in item.counts
              # "Other" is many different needs in their own words, not one shared.
              if count >= SHARED_NEED and label != _("Other (その他)")]
    return {
        "results": items, "responses": responses, "respondents": len(responses),
        "regions": regions,
        "has_previous": bool(previous), "previous": survey.copied_from,
        "kinds": [label for _kind, label in kinds],
        "shared_needs": _with_similar_cases(user, shared, responses, items) if similar_cases
        else [(*need, []) for need in shared],
    }


def _with_similar_cases(user, shared, responses, items) -> list:
    """Each shared need with the initiatives most like it (the most chosen needs first get
    them): the need itself and what the municipalities that chose it wrote."""
    from collaboration.similarity import Need, similar_to_needs

    texts = {r.pk: [value for item in items if item.question.kind in TEXT_KINDS
                    for value in _values(item.question, r.answers)] for r in responses}
    suggested = sorted(range(len(shared)), key=lambda n: -shared[n][2])[:SUGGESTED_NEEDS]
    needs = []
    for n in suggested:
        item, label, _count, _theme = shared[n]
        kind = item.question.kind
        wrote = [text for r in responses if label in _values(item.question, r.answers)
                 for text in texts[r.pk]]
        needs.append(Need(
            title=label if kind == Question.Kind.MULTIPLE else "", text="\n".join(wrote),
            field_names=[label] if kind == Question.Kind.FIELDS else [],
            method_names=[label] if kind == Question.Kind.METHODS else []))
    found = dict(zip(suggested, similar_to_needs(user, needs, limit=SUGGESTIONS_PER_NEED),
                     strict=True)) if needs else {}
    return [(*need, found.get(n, [])) for n, need in enumerate(shared)]
