import datetime

import pytest
from django.utils import timezone

from portal.models import Municipality
from surveys.models import Question, Section, Survey


def make_survey(*, deadline=None, opens_at=None, plan=None, codes=None):
    now = timezone.now()
    survey = Survey.objects.create(
        title="令和8年度 連携課題・ニーズ調査", fiscal_year=2026,
        opens_at=opens_at or now - datetime.timedelta(days=1),
        deadline=deadline or now + datetime.timedelta(days=14),
        **({"reminder_plan": plan} if plan is not None else {}))
    targets = Municipality.objects.all()
    survey.municipalities.set(targets.filter(lg_code__in=codes) if codes else targets)
    section = Section.objects.create(survey=survey, title="課題", order=1)
    Question.objects.create(section=section, order=1, kind=Question.Kind.FIELDS, required=True,
                            text="連携したい分野")
    Question.objects.create(section=section, order=2, kind=Question.Kind.SINGLE, required=True,
                            text="専門職員の状況", choices=["足りている", "不足している"],
                            allow_other=True)
    Question.objects.create(section=section, order=3, kind=Question.Kind.NUMBER,
                            text="共同化したい事務の数", unit="件", minimum=0, maximum=100)
    Question.objects.create(section=section, order=4, kind=Question.Kind.LONG_TEXT,
                            text="要望")
    return survey


def keys(survey):
    fields, staff, number, text = (f"q{q.pk}" for q in Question.objects.filter(
        section__survey=survey).order_by("order"))
    return fields, staff, number, text


@pytest.fixture
def survey(db):
    return make_survey()


@pytest.fixture(autouse=True)
def in_process(tasks_in_process):
    pass
