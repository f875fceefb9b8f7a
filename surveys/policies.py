"""Who sees which survey and which municipality's answer."""

from django.db.models import Q

from portal.permissions import VIEW, Policy, register

from .models import OpeningNotice, Question, ReminderDelivery, Section, Survey, SurveyResponse


@register(Survey)
class SurveyPolicy(Policy):
    """Prefecture staff run surveys; liaison rooms follow them; a municipality sees the surveys
    sent to it once they are open."""

    def scope(self, user, action, queryset):
        if user.is_prefecture:
            return queryset
        if action != VIEW:
            return queryset.none()
        if user.scope_region is not None:
            return queryset
        if user.scope_municipality is not None:
            from django.utils import timezone

            return queryset.filter(municipalities=user.scope_municipality,
                                   opens_at__lte=timezone.now())
        return queryset.none()

    def can_create(self, user):
        return user.is_prefecture


@register(SurveyResponse)
class SurveyResponsePolicy(Policy):
    """A municipality's answer is its own; followers see it once it has been submitted, never
    another municipality's draft."""

    def scope(self, user, action, queryset):
        handed_in = Q(status__in=[SurveyResponse.Status.SUBMITTED,
                                  SurveyResponse.Status.RETURNED])
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


@register(Section, Question)
class QuestionnairePolicy(Policy):
    """Prefecture staff build questionnaires; everyone who sees a survey sees its questions."""

    def scope(self, user, action, queryset):
        return queryset if user.is_prefecture else queryset.none()

    def can_create(self, user):
        return user.is_prefecture
