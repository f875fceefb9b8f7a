"""Who sees which survey and which municipality's answer, and who may act on them.

Every decision about surveys goes through ``portal.lib.permissions.can(user, action, obj)`` with
one of the named actions below:

- ``ANSWER``: a target municipality's staff fill in its answer, from the opening until the
  results are finalised (after the deadline the answer is marked late).
- ``FOLLOW``: prefecture staff and liaison rooms see the status board, the handed-in answers
  and the results (a liaison room: the municipalities of its region).
- ``REMIND``: prefecture staff remind those who have not submitted, until finalised.
- ``RUN``: prefecture staff move the survey through its states and make themes from it.
- ``EXTEND`` / ``PROXY``: prefecture staff and liaison rooms extend a municipality's deadline
  and enter its answer on its behalf, until finalised; which municipalities: ``followed``.
- ``SEE_RESULTS``: followers, and, once the results are published, the municipalities that
  submitted an answer.
- ``RETURN`` (an answer): prefecture staff send a submitted answer back, until finalised.
- ``MAKE_WORKBOOK``: followers ask for the results workbook (a report).
- ``BUILD``: prefecture staff build surveys: settings, targets, questionnaire, sending.

``FOLLOW``, ``RUN``, ``MAKE_WORKBOOK`` and ``BUILD`` are also answered for surveys as a whole,
``can(user, action, Survey)``: the home page's items, the report form, the building services.
"""

from django.db.models import Q
from django.utils import timezone

from portal.lib.permissions import CHANGE, DELETE, FOLLOW, VIEW, Policy, can, register

from .models import (
    DeadlineExtension,
    OpeningNotice,
    Question,
    ReminderDelivery,
    Section,
    Survey,
    SurveyResponse,
)

ANSWER, REMIND, RUN = "answer", "remind", "run"
EXTEND, PROXY, SEE_RESULTS, RETURN = "extend", "proxy", "see_results", "return"
MAKE_WORKBOOK, BUILD = "make_workbook", "build"


def _follows(user) -> bool:
    return user.is_prefecture or user.scope_region is not None


def followed(user, survey: Survey):
    """The target municipalities of ``survey`` that ``user`` follows, in 団体コード order:
    all for prefecture staff, its region's for a liaison room, none for anyone else."""
    targets = survey.municipalities.select_related("region").order_by("lg_code")
    if user.is_prefecture:
        return targets
    if user.scope_region is not None:
        return targets.filter(region=user.scope_region)
    return targets.none()


def results_scope(user, survey: Survey, responses):
    """The handed-in answers the results ``user`` sees count: every one for prefecture staff
    and for respondents once the results are published, a region's for its liaison room."""
    if user.is_prefecture:
        return responses
    if user.scope_region is not None:
        return responses.filter(municipality__region=user.scope_region)
    return responses if can(user, SEE_RESULTS, survey) else responses.none()


def following(user, municipality: str) -> Q:
    """The municipalities ``user`` follows, as a condition on the relation ``municipality``
    (for counts over them in one query); nothing for those who follow none."""
    if user.is_prefecture:
        return Q()
    if user.scope_region is not None:
        return Q(**{f"{municipality}__region": user.scope_region})
    return Q(pk__in=[])


def followed_answers(user, responses):
    """Every answer of the municipalities ``user`` follows, drafts included: the status board
    and the raw answers name a draft's state, never its content."""
    if user.is_prefecture:
        return responses
    if user.scope_region is not None:
        return responses.filter(municipality__region=user.scope_region)
    return responses.none()


def concerning(user, rows):
    """The rows (with a ``municipality``) of the municipalities ``user`` follows or acts for."""
    if user.scope_municipality is not None:
        return rows.filter(municipality=user.scope_municipality)
    return followed_answers(user, rows)


@register(Survey)
class SurveyPolicy(Policy):
    """Prefecture staff run surveys; liaison rooms follow them, extend deadlines and enter
    answers for their region; a municipality sees the surveys sent to it once they are open,
    answers them until the results are finalised and sees the published results if it
    answered."""

    actions = (ANSWER, FOLLOW, REMIND, RUN, EXTEND, PROXY, SEE_RESULTS, MAKE_WORKBOOK, BUILD)

    def scope(self, user, action, queryset):
        live = Q(finalised_at__isnull=True)
        if action == VIEW:
            if _follows(user):
                return queryset
            if user.scope_municipality is not None:
                return queryset.filter(municipalities=user.scope_municipality,
                                       opens_at__lte=timezone.now())
            return queryset.none()
        if action == ANSWER:
            if user.scope_municipality is None:
                return queryset.none()
            return queryset.filter(live, municipalities=user.scope_municipality,
                                   opens_at__lte=timezone.now())
        if action in (FOLLOW, MAKE_WORKBOOK):
            return queryset if _follows(user) else queryset.none()
        if action in (EXTEND, PROXY):
            return queryset.filter(live) if _follows(user) else queryset.none()
        if action == REMIND:
            return queryset.filter(live) if user.is_prefecture else queryset.none()
        if action == SEE_RESULTS:
            if _follows(user):
                return queryset
            if user.scope_municipality is None:
                return queryset.none()
            answered = SurveyResponse.objects.filter(
                municipality=user.scope_municipality,
                status=SurveyResponse.Status.SUBMITTED).values("survey_id")
            return queryset.filter(results_published_at__isnull=False, pk__in=answered)
        # change, delete, run: building and running a survey is the prefecture's.
        return queryset if user.is_prefecture else queryset.none()

    def can(self, user, action, obj):
        # Decided from the survey in hand where the scope would only filter by its fields.
        live = obj.finalised_at is None
        if action in (FOLLOW, MAKE_WORKBOOK):
            return _follows(user)
        if action in (EXTEND, PROXY):
            return live and _follows(user)
        if action == REMIND:
            return live and user.is_prefecture
        if action in (RUN, BUILD, CHANGE, DELETE):
            return user.is_prefecture
        return super().can(user, action, obj)

    def can_model(self, user, action):
        if action in (FOLLOW, MAKE_WORKBOOK):
            return _follows(user)
        return action in (RUN, BUILD) and user.is_prefecture

    def can_create(self, user):
        return user.is_prefecture


@register(SurveyResponse)
class SurveyResponsePolicy(Policy):
    """A municipality's answer is its own; followers see it once it has been submitted, never
    another municipality's draft; prefecture staff return a submitted one until finalised."""

    actions = (RETURN,)

    def scope(self, user, action, queryset):
        handed_in = Q(status__in=[SurveyResponse.Status.SUBMITTED,
                                  SurveyResponse.Status.RETURNED])
        if action == RETURN:
            if not user.is_prefecture:
                return queryset.none()
            return queryset.filter(status=SurveyResponse.Status.SUBMITTED,
                                   survey__finalised_at__isnull=True)
        if user.scope_municipality is not None:
            return queryset.filter(municipality=user.scope_municipality)
        if action != VIEW:
            return queryset if user.is_prefecture else queryset.none()
        if user.is_prefecture:
            return queryset.filter(handed_in)
        if user.scope_region is not None:
            return queryset.filter(handed_in, municipality__region=user.scope_region)
        return queryset.none()


@register(ReminderDelivery, OpeningNotice)
class ReminderPolicy(Policy):
    def scope(self, user, action, queryset):
        if action != VIEW:
            return queryset.none()
        if user.is_prefecture:
            return queryset
        if user.scope_region is not None:
            return queryset.filter(municipality__region=user.scope_region)
        return queryset.none()


@register(DeadlineExtension)
class DeadlineExtensionPolicy(Policy):
    """Extensions are seen by those who follow the municipality, and the municipality itself;
    they are granted through the survey's ``EXTEND`` action."""

    def scope(self, user, action, queryset):
        if action != VIEW:
            return queryset.none()
        if user.is_prefecture:
            return queryset
        if user.scope_region is not None:
            return queryset.filter(municipality__region=user.scope_region)
        if user.scope_municipality is not None:
            return queryset.filter(municipality=user.scope_municipality)
        return queryset.none()


@register(Section, Question)
class QuestionnairePolicy(Policy):
    """Prefecture staff build and read questionnaires through the policy; everyone else sees a
    survey's questions only through the survey (its page and answer form), never on their
    own."""

    def scope(self, user, action, queryset):
        return queryset if user.is_prefecture else queryset.none()

    def can_create(self, user):
        return user.is_prefecture
