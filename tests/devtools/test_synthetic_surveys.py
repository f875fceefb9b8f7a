import pytest
from django.db import transaction
from django.utils import timezone

from devtools.synthetic.surveys import TEMPLATES, generate_for_scale, generate_surveys
from portal.models import Municipality
from surveys.answer_form import AnswerForm, as_form_data
from surveys.models import Question, Survey, SurveyResponse
from surveys.services import questions_of

pytestmark = pytest.mark.django_db


def renamed(key: str, place: dict) -> str:
    """q12_r1 → q#3_r1: answers compared across runs, whose question ids differ."""
    name, underscore, rest = key.partition("_")
    return place[name] + underscore + rest


def fingerprint() -> list:
    """Titles, dates and answers, with question ids replaced by their place in the survey."""
    rows = []
    for survey in Survey.objects.order_by("opens_at", "title"):
        place = {f"q{q.pk}": f"q#{n}" for n, q in enumerate(questions_of(survey))}
        answers = [
            (r.municipality.lg_code, r.status, r.is_late, r.submitted_at,
             sorted((renamed(key, place), value) for key, value in r.answers.items()))
            for r in survey.responses.select_related("municipality").order_by(
                "municipality__lg_code")]
        rows.append((survey.title, survey.opens_at, survey.deadline, answers))
    return rows


def generated(count: int, seed: int) -> list:
    """What a run makes on a clean database, rolled back afterwards."""
    with transaction.atomic():
        generate_surveys(count, seed=seed)
        made = fingerprint()
        transaction.set_rollback(True)
    return made


def test_scale_sets_the_number_of_surveys_questions_and_targets():
    summary = generate_for_scale(scale=0.1, seed=1)
    assert summary.startswith("2 synthetic surveys with 80 questions")
    closed, latest = Survey.objects.order_by("deadline")
    assert all(s.title.startswith("【合成】") for s in (closed, latest))
    assert closed.deadline < timezone.now() < latest.deadline
    assert latest.is_open() and latest.reminder_plan == []
    assert Question.objects.filter(section__survey=closed).count() == len(TEMPLATES) == 40
    assert {q.kind for q in questions_of(closed)} == set(Question.Kind.values)
    everyone = Municipality.objects.count()
    assert closed.municipalities.count() == latest.municipalities.count() == everyone == 35
    assert closed.responses.count() == everyone
    assert 0 < latest.responses.count() < everyone  # some have not started yet


def test_the_minimum_is_one_survey():
    assert generate_for_scale(scale=0.001, seed=1).startswith("1 synthetic surveys")


def test_submitted_answers_pass_the_answer_form_of_every_kind():
    generate_surveys(2, seed=3)
    closed, latest = Survey.objects.order_by("deadline")
    for survey in (closed, latest):
        questions = list(questions_of(survey))
        for response in survey.responses.exclude(status=SurveyResponse.Status.DRAFT):
            form = AnswerForm(questions, as_form_data(questions, response.answers))
            assert form.is_valid(), (response.municipality_id, form.errors)
    on_time = closed.responses.filter(is_late=False, status=SurveyResponse.Status.SUBMITTED)
    assert on_time.exists()
    assert all(r.submitted_at <= closed.deadline for r in on_time)
    assert all(r.submitted_at > closed.deadline for r in closed.responses.filter(is_late=True))
    assert latest.responses.filter(status=SurveyResponse.Status.DRAFT).exists()
    assert not latest.responses.filter(submitted_at__gt=timezone.now()).exists()


def test_the_same_seed_gives_the_same_surveys_and_answers():
    first = generated(3, seed=5)
    assert generated(3, seed=5) == first
    assert generated(3, seed=6) != first


def test_a_second_run_adds_a_numbered_batch(django_assert_max_num_queries):
    generate_surveys(1, seed=1)
    with django_assert_max_num_queries(15):  # bulk inserts, not a query per row
        generate_surveys(1, seed=1)
    first, second = Survey.objects.order_by("id")
    assert second.title == f"{first.title} #2"
