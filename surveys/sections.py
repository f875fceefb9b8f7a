"""A municipality's survey answers on its page and in its profile, for those who may see them."""

from portal.permissions import FOLLOW, VIEW, can, scope
from portal.sections import Section, municipality_section

from .exports import raw_table
from .models import SurveyResponse
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
    header, row = raw_table(latest.survey, [latest], list(questions_of(latest.survey)))
    return Section("surveys/_municipality_answers.html", {
        "responses": responses, "latest": latest,
        "answers": list(zip(header[FIXED_COLUMNS:], row[FIXED_COLUMNS:], strict=True)),
        "may_follow": can(user, FOLLOW, municipality),
    })
