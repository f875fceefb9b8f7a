"""A municipality's survey answers on its page and in its profile, for those who may see them."""

from collaboration.models import Initiative
from collaboration.similarity import similar_to_need
from portal.lib.permissions import VIEW, can, scope
from portal.lib.sections import Section, municipality_section

from .exports import raw_table
from .models import SurveyResponse
from .needs import need_of
from .policies import FOLLOW
from .services import questions_of

SHOWN_SURVEYS = 5
FIXED_COLUMNS = 5  # 団体コード, name, status, submitted, late: the rest are the questions


@municipality_section(topics=("surveys", "survey-answers", "reference"))
def survey_answers(user, municipality):
    responses = list(scope(user, VIEW, SurveyResponse.objects.filter(
        municipality=municipality)).select_related("survey", "municipality").order_by(
        "-survey__opens_at", "-pk")[:SHOWN_SURVEYS])
    if not responses:
        return None
    latest = responses[0]
    header, row = raw_table(latest.survey, [(latest.municipality, latest.get_status_display(),
                                             latest)], list(questions_of(latest.survey)),
                            flags=False)
    return Section("surveys/_municipality_answers.html", {
        "responses": responses, "latest": latest,
        "answers": list(zip(header[FIXED_COLUMNS:], row[FIXED_COLUMNS:], strict=True)),
        "may_follow": can(user, FOLLOW, latest.survey),
    })


@municipality_section(topics=("surveys", "survey-answers", "reference", "initiatives",
                              "similarity", "synonyms"), reads=(SurveyResponse, Initiative))
def spread_candidates(user, municipality):
    """横展開の候補: initiatives elsewhere most like the needs of the municipality's latest
    submitted answer, for those who may see that answer."""
    response = scope(user, VIEW, SurveyResponse.objects.filter(
        municipality=municipality, status=SurveyResponse.Status.SUBMITTED)).select_related(
        "survey").order_by("-survey__opens_at", "-pk").first()
    if response is None:
        return None
    need = need_of(response)
    if not (need.text or need.field_names or need.method_names):
        return None
    return Section("surveys/_spread_candidates.html", {
        "response": response, "need": need,
        "suggestions": similar_to_need(user, need, exclude_municipality=municipality),
    })
