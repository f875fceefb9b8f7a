from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Needs surveys")

    def ready(self):
        from portal.lib import caching
        from portal.lib.audit import track

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
        # Every keystroke's autosave changes a draft: only the municipality's own answers show
        # a draft's content; what counts handed-in answers changes with the status.
        caching.bump_on_change("survey-answers", SurveyResponse)
        caching.bump_on_change("surveys", SurveyResponse,
                               when=lambda response: response.status != response.Status.DRAFT)
        # The status board shows a draft only as begun: an answer made or removed.
        post_save.connect(_answer_begun, sender=SurveyResponse, dispatch_uid="bump:begun")
        post_delete.connect(_answer_removed, sender=SurveyResponse, dispatch_uid="bump:removed")


def _answer_begun(sender, instance, created=False, **kwargs):
    if created:
        from portal.lib import caching

        caching.bump("survey-states")


def _answer_removed(sender, instance, **kwargs):
    from portal.lib import caching

    caching.bump("survey-states")
