"""The municipality page's survey sections (surveys/sections.py) write what their templates
wrote before their loops were written in Python, byte for byte, for each role that sees them."""

import datetime

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.models import Municipality
from surveys import sections
from surveys.models import SurveyResponse
from surveys.results import survey_questions
from tests.collaboration.conftest import initiative_factory  # noqa: F401
from tests.collaboration.test_similar_cases import answered_survey, snow_cases  # noqa: F401
from tests.conftest import HOME_CODE
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

# 横展開の候補 as its template was, the list included from collaboration/_similar_cases.html.
OLD_SPREAD_TEMPLATE = """{% load i18n %}
<section aria-labelledby="spread-candidates-title">
  <h2 id="spread-candidates-title">{% translate "Candidates for spreading here (横展開の候補)" %}</h2>
  <p class="note">{% blocktranslate with title=data.response.survey.title %}Initiatives the municipality does not take part in yet that are most like the needs in its answer to “{{ title }}”: the fields and methods it chose and what it wrote.{% endblocktranslate %}</p>
  {% if data.need.field_names or data.need.method_names %}<p>{% if data.need.field_names %}{% translate "Fields:" %} {{ data.need.field_names|join:"、" }}{% endif %}{% if data.need.method_names %} {% translate "Methods:" %} {{ data.need.method_names|join:"、" }}{% endif %}</p>{% endif %}
  {% if data.suggestions %}{% include "collaboration/_similar_cases.html" with suggestions=data.suggestions %}
  {% else %}<p>{% translate "No similar initiatives found yet." %}</p>{% endif %}
</section>
"""  # noqa: E501


# The survey answers as their template was, the latest answers' rows in its loop.
OLD_ANSWERS_TEMPLATE = """{% load i18n japanese %}
<section aria-labelledby="survey-answers-title">
  <h2 id="survey-answers-title">{% translate "Survey answers" %}</h2>
  <table class="table">
    <thead><tr><th scope="col">{% translate "Survey" %}</th><th scope="col">{% translate "Status" %}</th><th scope="col">{% translate "Submitted" %}</th></tr></thead>
    <tbody>{% for response in data.responses %}<tr>
      <th scope="row">{% if data.may_follow %}<a href="{% url 'survey_response' response.survey.pk response.municipality.lg_code %}">{{ response.survey.title }}</a>{% else %}{{ response.survey.title }}{% endif %}</th>
      <td>{{ response.get_status_display }}{% if response.is_late %} {% translate "(late)" %}{% endif %}</td>
      <td>{% if response.submitted_at %}{{ response.submitted_at|wareki_date }}{% else %}—{% endif %}</td>
    </tr>{% endfor %}</tbody>
  </table>
  <h3>{% blocktranslate with title=data.latest.survey.title %}Answers to “{{ title }}”{% endblocktranslate %}</h3>
  <table class="table answers">
    <thead><tr><th scope="col">{% translate "Question" %}</th><th scope="col">{% translate "Answer" %}</th></tr></thead>
    <tbody>{{ data.answer_rows }}</tbody>
  </table>
</section>
"""  # noqa: E501


def rendered(user, template=None, builder=sections.spread_candidates):
    municipality = Municipality.objects.get(lg_code=HOME_CODE)
    section = builder(user, municipality)
    if section is None:
        return None
    context = {"data": section.context, "municipality": municipality}
    if template is None:
        return render_to_string(section.template, context)
    return engines["django"].from_string(template).render(context)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("text", ["冬の除雪を近隣と共同で行いたい", "<b>観光</b> & 「協議会」"])
def test_the_spread_candidates_are_what_the_template_wrote(
        language, text, snow_cases, prefecture_user, branch_user,  # noqa: F811
        municipal_user, other_municipal_user):
    answered_survey(HOME_CODE, fields=["防災"], text=text)
    with translation.override(language):
        for user in (prefecture_user, branch_user, municipal_user):
            new = rendered(user)
            assert new == rendered(user, OLD_SPREAD_TEMPLATE)
            assert new.count("<li>") >= 1
        # An outsider sees no answer, so no candidates either way.
        assert rendered(other_municipal_user) is None


def test_no_candidates_are_written_as_the_template_wrote_them(prefecture_user):
    answered_survey(HOME_CODE, text="どの取組にも似ていない要望")
    new = rendered(prefecture_user)
    assert new == rendered(prefecture_user, OLD_SPREAD_TEMPLATE)
    assert "<li>" not in new


@pytest.fixture
def yamagata_answers():
    """Answers of every status to surveys opened a day apart, one late, titles to escape."""
    yamagata = Municipality.objects.get(lg_code=HOME_CODE)
    now = timezone.now()
    statuses = [SurveyResponse.Status.SUBMITTED, SurveyResponse.Status.DRAFT,
                SurveyResponse.Status.RETURNED, SurveyResponse.Status.SUBMITTED,
                SurveyResponse.Status.SUBMITTED, SurveyResponse.Status.SUBMITTED,
                SurveyResponse.Status.DRAFT]
    for n, status in enumerate(statuses):
        survey = make_survey(opens_at=now - datetime.timedelta(days=n + 1))
        survey.title = f'<b>"調査{n}"</b> & 連携' if n % 2 else f"調査{n}"
        survey.save()
        SurveyResponse.objects.create(
            survey=survey, municipality=yamagata, status=status, is_late=n % 3 == 0,
            submitted_at=None if status == SurveyResponse.Status.DRAFT
            else now - datetime.timedelta(days=n, hours=20))


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_latest_answers_are_what_the_template_wrote(
        language, yamagata_answers, prefecture_user, branch_user, municipal_user,
        other_municipal_user):
    with translation.override(language):
        for user in (prefecture_user, branch_user, municipal_user):
            new = rendered(user, builder=sections.survey_answers)
            assert new == rendered(user, OLD_ANSWERS_TEMPLATE, sections.survey_answers)
            assert new.count('<tr>\n      <th scope="row">') == sections.SHOWN_SURVEYS
        assert rendered(other_municipal_user, builder=sections.survey_answers) is None
    # Staff follow the answers to them (links); the municipality's drafts are its own.
    assert "/responses/062014/" in rendered(prefecture_user, builder=sections.survey_answers)
    assert "調査1" in rendered(municipal_user, builder=sections.survey_answers)
    assert "調査1" not in rendered(prefecture_user, builder=sections.survey_answers)


def fields_of(instance) -> dict:
    return {field.attname: getattr(instance, field.attname)
            for field in type(instance)._meta.concrete_fields}


@pytest.mark.parametrize("synthetic", [False, True])
def test_the_questions_are_read_as_the_orm_reads_them(synthetic, django_assert_num_queries):
    from decimal import Decimal

    from surveys.models import Question
    from surveys.models import Section as QuestionSection
    from surveys.services import questions_of

    if synthetic:
        from devtools.synthetic.surveys import generate_surveys

        generate_surveys(1, seed=5)
        survey = SurveyResponse.objects.first().survey
    else:
        survey = make_survey()
        first = Question.objects.filter(section__survey=survey).order_by("order").first()
        # A later section shown on an answer, put before the first one in order, with a
        # grid, a bounded number and a question of its own condition.
        later = QuestionSection.objects.create(survey=survey, title="<条件> & 詳細", order=0,
                                               condition_question=first,
                                               condition_values=["水道", "防災"])
        grid = Question.objects.create(section=later, order=2, kind=Question.Kind.GRID,
                                       text="評価", rows=["行1", "行2"], choices=["A", "B"])
        Question.objects.create(section=later, order=1, kind=Question.Kind.NUMBER, text="額",
                                minimum=Decimal("0.50"), maximum=Decimal("99.25"),
                                max_length=10, required=True, condition_question=grid,
                                condition_values=[{"行1": "A"}])
        Question.objects.create(section=later, order=1, kind=Question.Kind.SHORT_TEXT,
                                text="同じ順の二つ目", help_text="「ヘルプ」")
    expected = list(questions_of(survey))
    with django_assert_num_queries(1):
        read = survey_questions(survey)
        sections_read = [question.section for question in read]  # no query of their own
    assert [fields_of(q) for q in read] == [fields_of(q) for q in expected]
    assert [fields_of(s) for s in sections_read] == [q.section and fields_of(q.section)
                                                     for q in expected]
    assert all(not q._state.adding and q._state.db == "default" for q in read)
    assert len(read) >= (40 if synthetic else 7)


@pytest.mark.parametrize("language", ["ja", "en"])
def test_plain_and_safe_strings_are_written_as_the_template_wrote_them(language):
    from django.utils.safestring import mark_safe

    from tests.surveys.test_municipality_answers import old_rows

    answers = [("<q>", mark_safe("<b>安全</b>")), (mark_safe("<i>問</i>"), "'a' & \"b\""),
               ("全角　空白", "改行\nあり"), ("数", 1234.5), ("", "")]
    with translation.override(language):
        assert sections._answer_rows(answers) == old_rows(answers)


def test_the_latest_answers_are_those_the_orm_reads(yamagata_answers, users_by_role,
                                                    django_assert_num_queries):
    from portal.lib.permissions import VIEW, scope
    from tests.conftest import OTHER_CODE

    yamagata = Municipality.objects.get(lg_code=HOME_CODE)
    # Another municipality's answer to the newest survey, and two answers to one day's.
    newest = SurveyResponse.objects.filter(municipality=yamagata).order_by(
        "-survey__opens_at").first().survey
    SurveyResponse.objects.create(survey=newest, status=SurveyResponse.Status.SUBMITTED,
                                  municipality=Municipality.objects.get(lg_code=OTHER_CODE))
    twin = make_survey(opens_at=newest.opens_at)
    SurveyResponse.objects.create(survey=twin, municipality=yamagata,
                                  status=SurveyResponse.Status.SUBMITTED)
    for role, user in users_by_role.items():
        expected = list(scope(user, VIEW, SurveyResponse.objects.filter(
            municipality=yamagata)).select_related("survey").order_by(
            "-survey__opens_at", "-pk")[:sections.SHOWN_SURVEYS])
        with django_assert_num_queries(1):
            read = sections._latest_responses(user, yamagata)
            surveys = [response.survey for response in read]  # read with them
        assert [fields_of(r) for r in read] == [fields_of(r) for r in expected], role
        assert [fields_of(s) for s in surveys] == [fields_of(r.survey) for r in expected]
        assert all(not r._state.adding for r in read)
        if role in ("prefecture", "municipal"):
            assert len(read) == sections.SHOWN_SURVEYS, role
    assert sections._latest_responses(users_by_role["other_municipal"], yamagata) == []
