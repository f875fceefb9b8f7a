import datetime
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lib.audited import AuditedManager
from portal.models import Municipality


def default_reminder_plan():
    # Days relative to the deadline: a week, three days and one day before, the day after.
    return [-7, -3, -1, 1]


class Survey(models.Model):
    """A 連携課題・ニーズ調査 sent to the municipalities for one fiscal year."""

    objects = AuditedManager()
    title = models.CharField(_("title"), max_length=200)
    fiscal_year = models.PositiveSmallIntegerField(_("fiscal year"))
    description = models.TextField(_("description"), blank=True)
    municipalities = models.ManyToManyField(Municipality, related_name="surveys",
                                            verbose_name=_("target municipalities"))
    opens_at = models.DateTimeField(_("opens"))
    deadline = models.DateTimeField(_("deadline"))
    reminder_plan = models.JSONField(
        _("reminder plan"), default=default_reminder_plan, blank=True,
        help_text=_("Days relative to the deadline, e.g. -7, -3, -1, 1."))
    # The steps that copy the region's liaison room; None (older surveys): those after the
    # deadline.
    reminder_copies = models.JSONField(_("reminders copied to the liaison room"), null=True,
                                       blank=True)
    requested_at = models.DateTimeField(_("answers requested"), null=True, blank=True)
    copied_from = models.ForeignKey("self", models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("copied from"))
    # 準備中, 回答受付中 and 締切 follow from the dates; these two are the staff's decisions.
    finalised_at = models.DateTimeField(_("results finalised"), null=True, blank=True)
    results_published_at = models.DateTimeField(_("results published"), null=True,
                                                blank=True)
    results_named = models.BooleanField(
        _("published results name the municipalities"), default=False,
        help_text=_("Otherwise the municipalities see the totals only."))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-fiscal_year", "-deadline", "-id"]
        verbose_name = _("needs survey")
        verbose_name_plural = _("needs surveys")
        constraints = [models.CheckConstraint(condition=models.Q(deadline__gt=models.F("opens_at")),
                                              name="survey_deadline_after_opening")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("survey_detail", args=[self.pk])

    def clean(self):
        from django.core.exceptions import ValidationError

        plan = self.reminder_plan
        if not isinstance(plan, list) or not all(
                isinstance(day, int) and not isinstance(day, bool) and -60 <= day <= 60
                for day in plan):
            raise ValidationError({"reminder_plan": _(
                "Give whole numbers of days from the deadline between -60 and 60, "
                "e.g. [-7, -3, -1, 1].")})
        self.reminder_plan = sorted(set(plan))

    def is_open(self, now=None) -> bool:
        return (now or timezone.now()) >= self.opens_at

    def is_past_deadline(self, now=None) -> bool:
        return (now or timezone.now()) > self.deadline

    def copies_liaison(self, days: int) -> bool:
        if self.reminder_copies is None:
            return days > 0
        return days in self.reminder_copies

    def reminder_time(self, step: int, deadline=None) -> datetime.datetime:
        """When the reminder ``step`` days from the deadline (or a municipality's extended
        ``deadline``) is due: 9:00 Tokyo on that day."""
        day = timezone.localtime(deadline or self.deadline).date() + datetime.timedelta(
            days=step)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)))


class Section(models.Model):
    objects = AuditedManager()
    survey = models.ForeignKey(Survey, models.CASCADE, related_name="sections")
    title = models.CharField(_("title"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # Shown only when an earlier choice question's answer holds one of these values.
    condition_question = models.ForeignKey(
        "Question", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("shown only when the question"))
    condition_values = models.JSONField(_("has one of the answers"), default=list, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self):
        return self.title


class Question(models.Model):
    objects = AuditedManager()

    class Kind(models.TextChoices):
        SINGLE = "single", _("single choice")
        MULTIPLE = "multiple", _("multiple choice")
        SHORT_TEXT = "short_text", _("short text")
        LONG_TEXT = "long_text", _("long text")
        NUMBER = "number", _("number")
        SCALE = "scale", _("scale of 1 to 5")
        FIELDS = "fields", _("policy fields")
        METHODS = "methods", _("collaboration methods")
        RANKING = "ranking", _("ranking")
        GRID = "grid", _("grid (rows × one scale or choice set)")
        DATE = "date", _("date")
        FILE = "file", _("file answer")
        DISPLAY = "display", _("display-only text")

    section = models.ForeignKey(Section, models.CASCADE, related_name="questions",
                                verbose_name=_("section"))
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("help text"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    choices = models.JSONField(_("choices"), default=list, blank=True,
                               help_text=_("For choice and ranking questions: one per line."))
    allow_other = models.BooleanField(_("allow “その他” with free text"), default=False)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    minimum = models.DecimalField(_("minimum"), max_digits=14, decimal_places=2, null=True,
                                  blank=True)
    maximum = models.DecimalField(_("maximum"), max_digits=14, decimal_places=2, null=True,
                                  blank=True)
    max_length = models.PositiveSmallIntegerField(_("character limit"), null=True, blank=True)
    rows = models.JSONField(_("rows"), default=list, blank=True,
                            help_text=_("For grid questions: one per line."))
    condition_question = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("shown only when the question"))
    condition_values = models.JSONField(_("has one of the answers"), default=list, blank=True)

    class Meta:
        ordering = ["section__order", "order", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text


class SurveyResponse(models.Model):
    """The one answer of a municipality to a survey, shared by that municipality's users."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="responses")
    municipality = models.ForeignKey(Municipality, models.PROTECT, related_name="survey_responses")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.DRAFT)
    # Every save that changes something increments it; a page that carries no per-question
    # digests is merged against it (see surveys/merging.py).
    version = models.PositiveIntegerField(default=0)
    answers = models.JSONField(default=dict, blank=True)
    # Per question ("q12"): the version that last changed it, who changed it and when, so
    # saves by two people merge question by question.
    question_meta = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    is_late = models.BooleanField(_("late"), default=False)
    return_comment = models.TextField(_("reason for returning"), blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                     blank=True, related_name="+",
                                     verbose_name=_("submitted by"))
    # Set when staff entered (part of) the answer received by phone or on paper.
    proxy_organisation = models.ForeignKey(
        "portal.Organisation", models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("entered on the municipality's behalf by"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   blank=True, related_name="+")
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [models.UniqueConstraint(fields=["survey", "municipality"],
                                               name="one_answer_per_municipality")]
        indexes = [models.Index(fields=["survey", "status"], name="response_status")]

    def __str__(self):
        return f"{self.survey} — {self.municipality}"


class ReminderDelivery(models.Model):
    """Proof that reminder ``step`` of a survey went to a municipality: one row, ever."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="reminders")
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+")
    # "-7" … "+1" for a planned step (days from the deadline); "-1@2026-12-23" for a step of a
    # municipality's extended deadline (that day); "now-2026-11-27" on demand.
    step = models.CharField(_("reminder"), max_length=20)
    claimed_at = models.DateTimeField(default=timezone.now)
    # Who holds the claim: set anew at every takeover, and only its holder may mark it sent.
    token = models.UUIDField(default=uuid.uuid4)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # A step missed while the workers were down is not sent late when a newer one is due.
    superseded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [models.UniqueConstraint(fields=["survey", "municipality", "step"],
                                               name="one_reminder_per_step")]

    def __str__(self):
        return f"{self.survey} {self.municipality} {self.step}"

    @property
    def step_label(self) -> str:
        """The step as staff speak of it: 締切7日前, 締切当日, 締切1日後, or a reminder sent now."""
        from django.utils.translation import gettext

        if self.step.startswith("now-"):
            return gettext("sent by hand")
        step, _at, extended = self.step.partition("@")
        try:
            days = int(step)
        except ValueError:
            return gettext("reminder")
        if extended:
            if days < 0:
                return gettext("%(days)s days before the extended deadline") % {"days": -days}
            if days > 0:
                return gettext("%(days)s days after the extended deadline") % {"days": days}
            return gettext("on the extended deadline day")
        if days < 0:
            return gettext("%(days)s days before the deadline") % {"days": -days}
        if days > 0:
            return gettext("%(days)s days after the deadline") % {"days": days}
        return gettext("on the deadline day")


class OpeningNotice(models.Model):
    """Proof that the request to answer went to a municipality's staff: one row, ever."""

    survey = models.ForeignKey(Survey, models.CASCADE, related_name="opening_notices")
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipients = models.PositiveSmallIntegerField(_("recipients"), default=0)

    class Meta:
        verbose_name = _("request to answer sent")
        verbose_name_plural = _("requests to answer sent")
        constraints = [models.UniqueConstraint(fields=["survey", "municipality"],
                                               name="one_opening_notice_per_municipality")]

    def __str__(self):
        return f"{self.survey} {self.municipality}"


class DeadlineExtension(models.Model):
    """期限延長: a later deadline for one municipality, with the reason it was granted."""

    objects = AuditedManager()
    survey = models.ForeignKey(Survey, models.CASCADE, related_name="extensions")
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="+",
                                     verbose_name=_("municipality"))
    until = models.DateTimeField(_("extended deadline"))
    reason = models.CharField(_("reason"), max_length=500)
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("granted by"))
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline extension")
        verbose_name_plural = _("deadline extensions")
        constraints = [models.UniqueConstraint(fields=["survey", "municipality"],
                                               name="one_extension_per_municipality")]

    def __str__(self):
        return f"{self.survey} {self.municipality}"


class ThemeSource(models.Model):
    """The answers a collaboration theme came from: one need of one survey question."""

    theme = models.OneToOneField("collaboration.Theme", models.CASCADE, related_name="source",
                                 verbose_name=_("collaboration theme"))
    survey = models.ForeignKey(Survey, models.PROTECT, related_name="themes")
    question = models.ForeignKey(Question, models.PROTECT, related_name="+")
    choice = models.CharField(_("need"), max_length=200)
    municipalities = models.ManyToManyField(Municipality, related_name="+",
                                            verbose_name=_("municipalities that chose it"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("source of a theme")
        verbose_name_plural = _("sources of themes")
        constraints = [models.UniqueConstraint(fields=["survey", "question", "choice"],
                                               name="one_theme_per_need")]

    def __str__(self):
        return f"{self.choice} ({self.survey})"
