"""The results' sections and shared needs are written as the template loops wrote them."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from collaboration.models import Category, Initiative
from collaboration.similar_markup import similar_cases
from collaboration.similarity import Suggestion
from portal.lib.charts import bar_chart
from surveys import results_markup
from surveys.models import Question, Section, Survey
from surveys.results import QuestionResult

# The loops of surveys/_results.html before they were written in Python.
TEMPLATE_SECTIONS = """{% load i18n figures %}{% for result in results %}
<section class="result" aria-labelledby="result-{{ result.question.pk }}">
  <h2 id="result-{{ result.question.pk }}">{{ result.question.text }}</h2>
  <p class="note">{% blocktranslate count counter=result.answered %}{{ counter }} answer{% plural %}{{ counter }} answers{% endblocktranslate %}{% if result.shown is not None %} {% blocktranslate count counter=result.shown %}(shown to {{ counter }} municipality by its condition){% plural %}(shown to {{ counter }} municipalities by its condition){% endblocktranslate %}{% endif %}</p>
  {% if result.grid %}
  {% include "surveys/_grid_result.html" %}
  {% elif result.files %}
  <ul>{% for m, attachment in result.files %}<li>{{ m.name }}: <a href="{{ attachment.get_absolute_url }}">{{ attachment.name }}</a></li>{% endfor %}</ul>
  {% elif result.ranks %}
  {% include "portal/_bar_chart.html" with chart=result.chart id=result.question.pk|stringformat:"s"|add:"-chart" %}
  <table class="table">
    <caption>{% blocktranslate %}Municipalities per rank, and the score ({{ weights }}){% endblocktranslate %}</caption>
    <thead><tr><th scope="col">{% translate "Answer" %}</th>{% for rank in rank_labels %}<th scope="col" class="num">{{ rank }}</th>{% endfor %}<th scope="col" class="num">{% translate "Score" %}</th>{% if has_previous %}<th scope="col" class="num">{% translate "Last year's score" %}</th>{% endif %}</tr></thead>
    <tbody>{% for label, by_rank, points, last_year in result.ranks %}<tr><th scope="row">{{ label }}</th>{{ by_rank|number_cells }}<td class="num">{{ points }}</td>{% if has_previous %}<td class="num">{{ last_year|default_if_none:"—" }}</td>{% endif %}</tr>{% endfor %}</tbody>
  </table>
  {% elif result.counts %}
  {% include "portal/_bar_chart.html" with chart=result.chart id=result.question.pk|stringformat:"s"|add:"-chart" %}
  <table class="table">
    <caption class="visually-hidden">{{ result.question.text }}</caption>
    <thead><tr><th scope="col">{% translate "Answer" %}</th><th scope="col" class="num">{% translate "Municipalities" %}</th><th scope="col" class="num">%</th>{% if has_previous %}<th scope="col" class="num">{% translate "Last year" %}</th>{% endif %}{% for region in regions %}<th scope="col" class="num">{{ region.name }}</th>{% endfor %}{% for kind in kinds %}<th scope="col" class="num">{{ kind }}</th>{% endfor %}</tr></thead>
    <tbody>{% for label, count, percent, by_region, by_kind, last_year in result.counts %}<tr><th scope="row">{{ label }}</th><td class="num">{{ count }}</td><td class="num">{{ percent }}%</td>{% if has_previous %}<td class="num">{{ last_year|default_if_none:"—" }}</td>{% endif %}{{ by_region|number_cells }}{{ by_kind|number_cells }}</tr>{% endfor %}</tbody>
  </table>
  {% if result.others %}<h3>{% translate "“Other” in their words" %}</h3><ul>{% for m, text in result.others %}<li>{{ m.name }}: {{ text }}</li>{% endfor %}</ul>{% endif %}
  {% elif result.numbers %}
  <p>{% translate "Total" %} {{ result.numbers.total }}{{ result.question.unit }} · {% translate "minimum" %} {{ result.numbers.min }} · {% translate "median" %} {{ result.numbers.median }} · {% translate "maximum" %} {{ result.numbers.max }}</p>
  <table class="table"><caption class="visually-hidden">{{ result.question.text }}</caption><thead><tr><th scope="col">{% translate "Municipality" %}</th><th scope="col" class="num">{% translate "Value" %}</th></tr></thead>
    <tbody>{% for m, value in result.numbers.rows %}<tr><td>{{ m.name }}</td><td class="num">{{ value }}{{ result.question.unit }}</td></tr>{% endfor %}</tbody></table>
  {% elif result.texts %}
  <dl class="texts">{% for m, text in result.texts %}<div><dt>{{ m.name }}</dt><dd>{{ text|linebreaksbr }}</dd></div>{% endfor %}</dl>
  {% else %}<p>{% translate "No answers yet." %}</p>{% endif %}
</section>
{% endfor %}"""  # noqa: E501

TEMPLATE_SHARED_NEEDS = """{% load i18n %}{% url 'initiative_list' as initiative_list_url %}{% url 'survey_theme' survey.pk as theme_url %}<ul>{% for item, label, count, theme, similar in shared_needs %}<li><strong>{{ label }}</strong> — {% blocktranslate %}{{ count }} municipalities{% endblocktranslate %} ({{ item.question.text }}) · <a href="{{ initiative_list_url }}?q={{ label|urlencode }}">{% translate "matching initiatives" %}</a>
    {% if theme %} · {% blocktranslate with title=theme.title %}Theme: {{ title }}{% endblocktranslate %}
    {% elif runs_survey %}<form method="post" action="{{ theme_url }}" class="inline-form">{% csrf_token %}<input type="hidden" name="question" value="{{ item.question.pk }}"><input type="hidden" name="choice" value="{{ label }}"><button type="submit" class="link-button">{% blocktranslate %}Make “{{ label }}” a collaboration theme{% endblocktranslate %}</button></form>{% endif %}
    {% if similar %}<div class="similar-cases__need"><p class="note">{% blocktranslate %}Similar cases for “{{ label }}”:{% endblocktranslate %}</p>{% include "collaboration/_similar_cases.html" with suggestions=similar %}</div>{% endif %}</li>{% endfor %}</ul>"""  # noqa: E501

LANGUAGES = ["ja", "en"]


def place(name):
    return SimpleNamespace(name=name)


def question(pk, kind, text="<設問> & “引用”", **fields):
    return Question(pk=pk, kind=kind, text=text, section=Section(pk=1, title="課題"), **fields)


def chart(labels):
    return bar_chart([(label, Decimal(n + 1), "bar--actual") for n, label in enumerate(labels)],
                     title="<図> & 件数", unit="団体")


def computed_results(*, has_previous: bool) -> dict:
    kind = Question.Kind
    last = (lambda n: n) if has_previous else (lambda n: None)
    attachment = SimpleNamespace(name="計画<案>.pdf", get_absolute_url=lambda: "/files/3/?a=1&b=2")
    results = [
        QuestionResult(question(1, kind.SHORT_TEXT), 2, texts=[
            (place("山形市"), "一行目\n二行目 <b>&amp;"), (place("米沢<市>"), "\r\nそのまま")]),
        QuestionResult(question(2, kind.NUMBER, unit="<人>"), 3, numbers={
            "total": Decimal("12345.5"), "min": Decimal("0.5"), "max": Decimal(12000),
            "median": Decimal(345), "rows": [(place("鶴岡市"), Decimal("0.5")),
                                             (place("酒田市"), Decimal(12000))]}),
        QuestionResult(question(3, kind.MULTIPLE), 1234, shown=1, counts=[
            ("水道 & <下水>", 1200, 97, [1, 0, 1200, 3], [5, 6, 7], last(1100)),
            ("防災", 0, 0, [0, 0, 0, 0], [0, 0, 0], last(None)),
        ], chart=chart(["水道 & <下水>"]), others=[(place("天童市"), "土木<のみ>")]),
        QuestionResult(question(4, kind.SINGLE), 1, shown=0, counts=[
            ("はい", 1, 100, [1, 0, 0, 0], [1, 0, 0], last(3))], chart=chart(["はい"])),
        QuestionResult(question(5, kind.RANKING), 2, ranks=[
            ("<交通>", [2, 0, 1], 7, last(4)), ("観光", [0, 1, 0], 2, last(None))],
            chart=chart(["<交通>", "観光"])),
        QuestionResult(question(6, kind.GRID), 2, grid=[
            ("<行>1", [("1", 1, 50), ("<2>", 1, 50)], 2),
            ("行2", [("1", 0, 0), ("<2>", 0, 0)], 0)]),
        QuestionResult(question(7, kind.FILE), 1, files=[(place("南陽市"), attachment)],
                       texts=[(place("南陽市"), attachment.name)]),
        QuestionResult(question(8, kind.LONG_TEXT), 0),
        QuestionResult(question(1234567, kind.NUMBER, unit="件"), 0, shown=2),
    ]
    return {
        "results": results, "has_previous": has_previous,
        "regions": [place("村山"), place("<最上>"), place("置賜"), place("庄内")],
        "kinds": ["市", "町", "<村>"], "rank_labels": ["1位", "<2位>", "3位"],
        "weights": "1位 3点、<2位> 2点、3位 1点",
    }


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("has_previous", [False, True])
def test_sections_are_written_as_the_template_wrote_them(language, has_previous):
    computed = computed_results(has_previous=has_previous)
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_SECTIONS).render(computed)
        assert results_markup.sections(computed) == expected


def initiative(pk, title, *, outside_prefecture=None, scope=Initiative.Scope.GROUP):
    case = Initiative(pk=pk, title=title, scope=scope, outside_prefecture=outside_prefecture or "")
    case.category = Category(pk=pk, label="I-<①>")
    return case


def suggestions():
    outside = Initiative.Scope.OUTSIDE
    return [
        Suggestion(initiative(1, "除雪<の共同化> & 連携"), 0.4249, ["防災", "<除雪>"], ["協議会"],
                   ["除雪", "<共同>"], same_category=True),
        Suggestion(initiative(2, "県外の事例", outside_prefecture="<秋田県>", scope=outside),
                   0.125, [], [], []),
        Suggestion(initiative(3, "県外の別の事例", scope=outside), 0.05, [], ["委託"], []),
        Suggestion(initiative(4, "同じ分類", scope=Initiative.Scope.REGION), 0.999, [], [], [],
                   same_category=True),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("count", [0, 1, 4])
def test_similar_cases_are_written_as_their_template_writes_them(language, count):
    found = suggestions()[:count]
    with translation.override(language):
        expected = render_to_string("collaboration/_similar_cases.html", {"suggestions": found})
        assert similar_cases(found) == expected


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("runs_survey", [False, True])
def test_shared_needs_are_written_as_the_template_wrote_them(language, runs_survey):
    survey = Survey(pk=17)
    fields = question(3, Question.Kind.FIELDS, text="連携したい<分野>")
    needs = [
        (SimpleNamespace(question=fields), "水道 & <下水>/100%", 1234, None, suggestions()),
        (SimpleNamespace(question=fields), "防災", 3, SimpleNamespace(title="<除雪>の共同化"), []),
        (SimpleNamespace(question=question(9, Question.Kind.MULTIPLE)), "“観光”", 4, None,
         suggestions()[1:2]),
    ]
    context = {"survey": survey, "shared_needs": needs, "runs_survey": runs_survey,
               "csrf_token": "csrf-token-of-the-requester"}
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_SHARED_NEEDS).render(context)
        assert results_markup.shared_needs(
            needs, survey, runs_survey=runs_survey,
            csrf_token="csrf-token-of-the-requester") == expected


@pytest.mark.django_db
def test_a_surveys_own_results_are_written_as_the_template_wrote_them(survey, prefecture_user):
    from django.utils import timezone

    from surveys.models import SurveyResponse
    from surveys.results import results_for
    from tests.factories import municipality
    from tests.surveys.conftest import keys

    fields, staff, number, text = keys(survey)
    for n, code in enumerate(("062014", "063657", "064611", "062022")):
        SurveyResponse.objects.create(
            survey=survey, municipality=municipality(code), status="submitted",
            submitted_at=timezone.now(), answers={
                fields: ["水道", "防災"], staff: "__other__" if n else "不足している",
                f"{staff}_other": "土木<のみ>", number: str(n * 1000 + 4),
                text: f"{code}の要望\n<二行目>"})
    computed = results_for(prefecture_user, survey, similar_cases=True)
    expected = engines["django"].from_string(TEMPLATE_SECTIONS).render(computed)
    assert results_markup.sections(computed) == expected
    assert "土木&lt;のみ&gt;" in expected and "<br>" in expected
