"""The results read their answers and questions in written-out statements: the same answers,
for each role, and the same questions, as the ORM's queries read them."""

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.models import Municipality
from surveys.models import Question, Section, SurveyResponse
from surveys.policies import results_scope
from surveys.results import results_for, submitted_responses, survey_questions
from surveys.services import questions_of
from tests.surveys.test_board_and_results import answer

pytestmark = pytest.mark.django_db

ROLES = ("prefecture_user", "branch_user", "other_branch_user", "municipal_user",
         "other_municipal_user")


def _by_orm(user, survey) -> list[tuple]:
    responses = results_scope(user, survey, SurveyResponse.objects.filter(
        survey=survey, status=SurveyResponse.Status.SUBMITTED).select_related(
        "municipality__region"))
    return sorted((r.pk, r.answers, r.municipality.pk, r.municipality.lg_code, r.municipality.name,
                   r.municipality.kind, r.municipality.region.pk) for r in responses)


def _read(user, survey) -> list[tuple]:
    return sorted((r.pk, r.answers, r.municipality_id, r.municipality.lg_code,
                   r.municipality.name, r.municipality.kind, r.municipality.region.pk)
                  for r in submitted_responses(user, survey))


def _answered(survey):
    fields = Question.objects.get(section__survey=survey, kind=Question.Kind.FIELDS)
    # Two regions (村山, 最上), a draft and a returned answer that do not count.
    for code, chosen in (("062014", ["水道"]), ("062022", ["防災", "水道"]),
                         ("063657", ["観光"]), ("063614", [])):
        answer(survey, code, **{f"q{fields.pk}": chosen})
    answer(survey, "062031", status="draft", **{f"q{fields.pk}": ["福祉"]})
    answer(survey, "064611", status="returned")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("published", [False, True])
def test_each_role_reads_the_answers_the_orm_reads(request, survey, role, published):
    _answered(survey)
    if published:
        survey.results_published_at = timezone.now()
        survey.save(update_fields=["results_published_at"])
    user = request.getfixturevalue(role)
    expected = _by_orm(user, survey)
    assert _read(user, survey) == expected
    if role == "prefecture_user":
        assert len(expected) == 4
    if role == "branch_user":
        assert 0 < len(expected) < 4  # a region's answers only


def test_the_questions_are_the_orms_in_its_order_with_their_sections(survey):
    later = Section.objects.create(survey=survey, title="後", order=0,
                                   condition_values=["はい"])
    Question.objects.create(section=later, order=2, kind=Question.Kind.GRID, text="評価",
                            rows=["行1", "行2"], choices=["良い", "悪い"], minimum="1.50")
    Question.objects.create(section=later, order=1, kind=Question.Kind.SINGLE, text="はい？",
                            choices=["はい", "いいえ"], condition_values=["x"])

    def fields(question):
        return ([getattr(question, f.attname) for f in Question._meta.concrete_fields],
                [getattr(question.section, f.attname) for f in Section._meta.concrete_fields])

    expected = [fields(q) for q in questions_of(survey)]
    assert [fields(q) for q in survey_questions(survey)] == expected
    assert len(expected) == 6


def test_the_results_count_what_the_answers_hold(survey, branch_user, prefecture_user):
    _answered(survey)
    fields = Question.objects.get(section__survey=survey, kind=Question.Kind.FIELDS)
    counts = {result.question.pk: {label: count for label, count, *_rest in result.counts}
              for result in results_for(prefecture_user, survey)["results"]}
    assert counts[fields.pk]["水道"] == 2 and counts[fields.pk]["観光"] == 1
    room = results_for(branch_user, survey)
    assert room["respondents"] == len(_by_orm(branch_user, survey))


@pytest.mark.parametrize("role", ["prefecture_user", "branch_user"])
def test_each_choice_is_counted_per_region_and_kind_as_the_answers_say(request, survey, role):
    _answered(survey)
    user = request.getfixturevalue(role)
    fields = Question.objects.get(section__survey=survey, kind=Question.Kind.FIELDS)
    computed = results_for(user, survey)
    regions, kinds = [r.pk for r in computed["regions"]], [k for k, _l in Municipality.Kind.choices]
    expected = {}
    for response in results_scope(user, survey, SurveyResponse.objects.filter(
            survey=survey, status=SurveyResponse.Status.SUBMITTED)):
        for value in set(response.answers.get(f"q{fields.pk}") or []):
            cells = expected.setdefault(value, [0] * (1 + len(regions) + len(kinds)))
            cells[0] += 1
            cells[1 + regions.index(response.municipality.region_id)] += 1
            cells[1 + len(regions) + kinds.index(response.municipality.kind)] += 1
    result = next(r for r in computed["results"] if r.question.pk == fields.pk)
    counted = {label: [count, *by_region, *by_kind]
               for label, count, _percent, by_region, by_kind, _last in result.counts if count}
    assert counted == expected and expected


def test_the_themes_of_the_needs_are_those_the_orm_reads(client, survey, prefecture_user):
    from surveys.models import ThemeSource
    from surveys.results import _themes_of

    _answered(survey)
    fields = Question.objects.get(section__survey=survey, kind=Question.Kind.FIELDS)
    client.force_login(prefecture_user)
    for choice in ("水道", "観光"):
        client.post(reverse("survey_theme", args=[survey.pk]),
                    {"question": fields.pk, "choice": choice})
    expected = {(s.question_id, s.choice): (s.theme.pk, s.theme.title)
                for s in ThemeSource.objects.filter(survey=survey).select_related("theme")}
    assert {key: (theme.pk, theme.title) for key, theme in _themes_of(survey).items()} \
        == expected and len(expected) == 2
    assert _themes_of(survey)[(fields.pk, "水道")].get_absolute_url()
