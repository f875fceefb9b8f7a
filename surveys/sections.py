"""A municipality's survey answers on its page and in its profile, for those who may see them."""

from django.template import Context
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from collaboration.models import Initiative
from collaboration.need_store import similar_to_need
from collaboration.similar_markup import similar_cases
from portal.lib import written_out
from portal.lib.markup import escape
from portal.lib.permissions import VIEW, can, scope
from portal.lib.sections import Section, municipality_section
from portal.templatetags.japanese import wareki_date

from .exports import raw_table
from .models import Survey, SurveyResponse
from .needs import need_of
from .policies import FOLLOW
from .results import survey_questions

SHOWN_SURVEYS = 5
FIXED_COLUMNS = 5  # 団体コード, name, status, submitted, late: the rest are the questions


class _Latest:
    """The municipality's latest answers ``user`` may see (newest survey first, at most
    ``SHOWN_SURVEYS``) and the questions of their surveys, read once for both sections below
    when the page builds them together."""

    def __init__(self, user, municipality):
        self.responses = _latest_responses(user, municipality)
        for response in self.responses:  # the page's own, not read again with each answer
            response.municipality = municipality
        self._questions = {}

    def questions(self, survey) -> list:
        if survey.pk not in self._questions:
            self._questions[survey.pk] = survey_questions(survey)
        return self._questions[survey.pk]


def _latest_responses(user, municipality) -> list[SurveyResponse]:
    """``scope(user, VIEW, …)`` of the municipality's answers, each with its survey, newest
    survey first, at most ``SHOWN_SURVEYS``: written out, the reader's scope a semi-join
    (the ORM's query with its join and order took 1.9 ms to build and run, this 0.7)."""
    visible = written_out.within(scope(user, VIEW, SurveyResponse.objects.filter(
        municipality=municipality)), "r.id")
    if visible is None:
        return []
    condition, params = visible
    responses = written_out.columns(SurveyResponse, "r")
    surveys = written_out.columns(Survey, "s")
    read = []
    for row in written_out.rows(
            f"SELECT {responses.sql}, {surveys.sql} FROM {SurveyResponse._meta.db_table} r "
            f"JOIN {Survey._meta.db_table} s ON s.id = r.survey_id "
            f"WHERE r.municipality_id = %s {condition} "
            "ORDER BY s.opens_at DESC, r.id DESC LIMIT %s",
            [municipality.pk, *params, SHOWN_SURVEYS]):
        response, end = responses.take(row)
        response.survey = surveys.take(row, end)[0]
        read.append(response)
    return read


def _latest(user, municipality) -> _Latest:
    # Kept on the page's municipality, by user: the page and the profile build the sections
    # from one instance each.
    kept = municipality.__dict__.setdefault("_latest_answers", {})
    if user.pk not in kept:
        kept[user.pk] = _Latest(user, municipality)
    return kept[user.pk]


@municipality_section(topics=("surveys", "survey-answers", "reference"))
def survey_answers(user, municipality):
    latest_answers = _latest(user, municipality)
    responses = latest_answers.responses
    if not responses:
        return None
    latest = responses[0]
    header, row = raw_table(latest.survey, [(latest.municipality, latest.get_status_display(),
                                             latest)], latest_answers.questions(latest.survey),
                            flags=False)
    may_follow = can(user, FOLLOW, latest.survey)
    return Section("surveys/_municipality_answers.html", {
        "responses": responses, "latest": latest,
        "response_rows": _response_rows(responses, may_follow),
        "answer_rows": _answer_rows(zip(header[FIXED_COLUMNS:], row[FIXED_COLUMNS:],
                                       strict=True)),
        "may_follow": may_follow,
    })


def _response_rows(responses, may_follow: bool) -> str:
    """The table of the latest answers' rows, as its template loop wrote them (byte for byte,
    see tests/surveys/test_sections_markup.py), with a link to each answer when
    ``may_follow``."""
    late = f" {escape(gettext('(late)'))}"
    rows = []
    for response in responses:
        title = escape(response.survey.title)
        if may_follow:
            url = reverse("survey_response",
                          args=[response.survey.pk, response.municipality.lg_code])
            title = f'<a href="{escape(url)}">{title}</a>'
        submitted = (escape(wareki_date(response.submitted_at)) if response.submitted_at
                     else "—")
        rows.append(f'<tr>\n      <th scope="row">{title}</th>\n'
                    f'      <td>{escape(response.get_status_display())}'
                    f'{late if response.is_late else ""}</td>\n'
                    f'      <td>{submitted}</td>\n    </tr>')
    return mark_safe("".join(rows))


def _answer_rows(answers) -> str:
    """The answers table's rows, as its template loop wrote them (byte for byte, see
    tests/surveys/test_municipality_answers.py): a value as ``{{ value|default:"—" }}``."""
    context = Context(autoescape=True)

    def cell(value) -> str:
        # A plain string (nearly every cell) is only escaped; others are localised first.
        return escape(value) if type(value) is str else render_value_in_context(value, context)

    return mark_safe("".join(f'<tr><th scope="row">{cell(question)}</th>'
                             f'<td>{cell(value or "—")}</td></tr>' for question, value in answers))


@municipality_section(topics=("surveys", "survey-answers", "reference", "initiatives",
                              "similarity", "synonyms"), reads=(SurveyResponse, Initiative))
def spread_candidates(user, municipality):
    """横展開の候補: initiatives elsewhere most like the needs of the municipality's latest
    submitted answer, for those who may see that answer."""
    latest_answers = _latest(user, municipality)
    response = next((r for r in latest_answers.responses
                     if r.status == SurveyResponse.Status.SUBMITTED), None)
    if response is None and len(latest_answers.responses) == SHOWN_SURVEYS:
        # None of the latest few is submitted: an older one may be.
        response = scope(user, VIEW, SurveyResponse.objects.filter(
            municipality=municipality, status=SurveyResponse.Status.SUBMITTED)).select_related(
            "survey").order_by("-survey__opens_at", "-pk").first()
    if response is None:
        return None
    need = need_of(response, latest_answers.questions(response.survey))
    if not (need.text or need.field_names or need.method_names):
        return None
    suggestions = similar_to_need(user, need, exclude_municipality=municipality)
    return Section("surveys/_spread_candidates.html", {
        "response": response, "need": need, "suggestions": suggestions,
        # The list as collaboration/_similar_cases.html writes it, without its template loop.
        "cases": similar_cases(suggestions),
    })
