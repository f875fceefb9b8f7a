"""Home-page items: surveys waiting for a municipality's answer, and answers to follow up."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.attention import AttentionItem
from portal.lib.japanese import wareki_datetime
from portal.lib.permissions import FOLLOW, can

from .models import Survey, SurveyResponse
from .policies import following


def surveys_to_answer(user) -> list[AttentionItem]:
    municipality = user.scope_municipality
    if municipality is None:
        return []
    now = timezone.now()
    done = dict(SurveyResponse.objects.filter(municipality=municipality).values_list(
        "survey_id", "status"))
    items = []
    for survey in Survey.objects.filter(municipalities=municipality, opens_at__lte=now):
        status = done.get(survey.pk)
        if status == SurveyResponse.Status.SUBMITTED:
            continue
        if status == SurveyResponse.Status.RETURNED:
            title = _("Returned for revision: %(title)s") % {"title": survey.title}
        else:
            title = _("Please answer: %(title)s") % {"title": survey.title}
        detail = _("Deadline %(when)s") % {"when": wareki_datetime(survey.deadline)}
        late = survey.is_past_deadline(now) or status == SurveyResponse.Status.RETURNED
        items.append(AttentionItem(title, detail, reverse("survey_answer", args=[survey.pk]),
                                   "warning" if late else "info"))
    return items


def surveys_to_follow(user) -> list[AttentionItem]:
    if not can(user, FOLLOW, Survey):
        return []
    now = timezone.now()
    # Counted in the one query, over the municipalities the user follows.
    followed = following(user, "municipalities")
    handed_in = Q(responses__status=SurveyResponse.Status.SUBMITTED) & following(
        user, "responses__municipality")
    items = []
    for survey in Survey.objects.filter(opens_at__lte=now, deadline__gte=now).annotate(
            total=Count("municipalities", filter=followed, distinct=True),
            submitted=Count("responses", filter=handed_in, distinct=True)):
        total, submitted = survey.total, survey.submitted
        items.append(AttentionItem(
            _("Survey in progress: %(title)s") % {"title": survey.title},
            _("%(submitted)s of %(total)s municipalities have submitted.")
            % {"submitted": submitted, "total": total},
            reverse("survey_status", args=[survey.pk])))
    return items
