from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Needs surveys")

    def ready(self):
        from portal import caching
        from portal.audit import track

        from . import policies, report_kinds  # noqa: F401  registers them
        from .models import (
            DeadlineExtension,
            Question,
            ReminderDelivery,
            Section,
            Survey,
            SurveyResponse,
            ThemeSource,
        )

        for model in (Survey, Section, Question):
            track(model)
        track(DeadlineExtension, owner=lambda extension: extension.survey)
        caching.bump_on_change("surveys", Survey, Section, Question, ThemeSource,
                               ReminderDelivery, DeadlineExtension)
        # Every keystroke's autosave changes a draft: only the board and the municipality's
        # own answers show drafts; what counts handed-in answers changes with the status.
        caching.bump_on_change("survey-answers", SurveyResponse)
        caching.bump_on_change("surveys", SurveyResponse,
                               when=lambda response: response.status != response.Status.DRAFT)
