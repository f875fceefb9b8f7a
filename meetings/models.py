import secrets
import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lib.audited import AuditedManager
from portal.models import Region


class Body(models.Model):
    """The promotion council, a regional body, or a working team under one of them."""

    objects = AuditedManager()

    class Kind(models.TextChoices):
        COUNCIL = "council", _("promotion council")
        REGIONAL = "regional", _("regional body")
        WORKING_TEAM = "working_team", _("working team")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True,
                               related_name="bodies", verbose_name=_("region"))
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True,
                               related_name="teams", verbose_name=_("formed by"))
    theme = models.ForeignKey("collaboration.Theme", models.SET_NULL, null=True, blank=True,
                              related_name="bodies", verbose_name=_("theme"))
    description = models.TextField(_("purpose"), blank=True)
    # A working team's term; closing a team sets ``ends_on`` and ends its open seats that day.
    starts_on = models.DateField(_("term from"), null=True, blank=True)
    ends_on = models.DateField(_("term until"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "region__sort_order", "name"]
        verbose_name = _("council or team")
        verbose_name_plural = _("councils and teams")
        constraints = [
            models.CheckConstraint(condition=~models.Q(kind="regional")
                                   | models.Q(region__isnull=False), name="regional_has_region"),
            models.CheckConstraint(condition=~models.Q(kind="working_team")
                                   | models.Q(parent__isnull=False), name="team_has_parent"),
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True)
                                   | models.Q(starts_on__isnull=True)
                                   | models.Q(ends_on__gte=models.F("starts_on")),
                                   name="body_term_in_order"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("body_detail", args=[self.pk])


class Membership(models.Model):
    """Someone's seat on a body for a term; the April rotation ends one and starts another."""

    objects = AuditedManager()
    body = models.ForeignKey(Body, models.CASCADE, related_name="memberships")
    # A seat is held by a portal account, or by someone from any organisation without one
    # (named here, reached by e-mail).
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                             related_name="memberships", verbose_name=_("member"))
    person_name = models.CharField(_("name"), max_length=100, blank=True)
    organisation_name = models.CharField(_("organisation"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    title = models.CharField(_("position"), max_length=100,
                             help_text=_("e.g. 企画担当課長, 企画振興部次長, 連携支援室長"))
    is_chair = models.BooleanField(_("chair"), default=False)
    is_vice_chair = models.BooleanField(_("vice-chair"), default=False)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["-is_chair", "-is_vice_chair", "starts_on", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True)
                                   | models.Q(ends_on__gte=models.F("starts_on")),
                                   name="membership_term_in_order"),
            models.CheckConstraint(condition=models.Q(user__isnull=False)
                                   | ~models.Q(person_name=""), name="membership_names_holder"),
        ]

    def __str__(self):
        return f"{self.name} ({self.body})"

    @property
    def name(self) -> str:
        from .people import person_name

        return person_name(self.user) if self.user_id else self.person_name

    @property
    def organisation_label(self) -> str:
        if self.user_id:
            return self.user.organisation.name if self.user.organisation_id else ""
        return self.organisation_name

    @property
    def address(self) -> str:
        """Where notices go: the account's e-mail (while it is active), or the seat's own."""
        if self.user_id:
            return self.user.email if self.user.is_active else ""
        return self.email

    @property
    def label(self) -> str:
        """「大蔵村 企画担当課長 山田 太郎」: how member lists name the holder."""
        if self.user_id:
            from .people import person_label

            return person_label(self.user, self.title)
        return " ".join(part for part in (self.organisation_name, self.title, self.person_name)
                        if part)


class Meeting(models.Model):
    objects = AuditedManager()

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        CANCELLED = "cancelled", _("cancelled")

    body = models.ForeignKey(Body, models.PROTECT, related_name="meetings")
    number = models.PositiveSmallIntegerField(_("number"))  # 第n回, counted per body
    title = models.CharField(_("title"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    online_url = models.URLField(_("online meeting link"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.PLANNED)
    # Calendar identity: one UID for the life of the meeting, SEQUENCE up with each change.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        constraints = [
            models.UniqueConstraint(fields=["body", "number"], name="one_number_per_body"),
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                   name="meeting_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.body} 第{self.number}回"

    def get_absolute_url(self):
        return reverse("meeting_detail", args=[self.pk])


class AgendaItem(models.Model):
    objects = AuditedManager()
    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    title = models.CharField(_("item"), max_length=300)
    theme = models.ForeignKey("collaboration.Theme", models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("collaboration theme"))
    initiative = models.ForeignKey("collaboration.Initiative", models.SET_NULL, null=True,
                                   blank=True, related_name="+", verbose_name=_("initiative"))
    survey = models.ForeignKey("surveys.Survey", models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name=_("survey results"))

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self):
        return self.title


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", _("present")
        ABSENT = "absent", _("absent")
        PROXY = "proxy", _("represented by a proxy")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, models.PROTECT, related_name="attendance")
    status = models.CharField(_("attendance"), max_length=10, choices=Status.choices)
    proxy_name = models.CharField(_("proxy"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"],
                                               name="one_attendance_per_member")]


class Minutes(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        CIRCULATED = "circulated", _("circulated for review")
        APPROVED = "approved", _("approved")
        PUBLISHED = "published", _("published")

    meeting = models.OneToOneField(Meeting, models.CASCADE, related_name="minutes")
    text = models.TextField(_("minutes"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Proof that the request for comments went to the attendees: once, however often clicked.
    circulation_sent_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")


class MinutesComment(models.Model):
    minutes = models.ForeignKey(Minutes, models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    text = models.TextField(_("comment"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]


class ActionItem(models.Model):
    objects = AuditedManager()

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DONE = "done", _("done")

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="action_items")
    title = models.CharField(_("action"), max_length=300)
    is_decision = models.BooleanField(_("decision"), default=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                              related_name="action_items", verbose_name=_("owner"))
    due_on = models.DateField(_("due"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.OPEN)

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("decision or action item")
        verbose_name_plural = _("decisions and action items")
        indexes = [models.Index(fields=["owner", "status", "due_on"], name="action_owner")]

    def __str__(self):
        return self.title


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's private calendar address; resetting the token retires the old address."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE,
                                related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)


class MeetingNotice(models.Model):
    """Proof that the notice for one version (SEQUENCE) of a meeting went out: one row, ever."""

    meeting = models.ForeignKey(Meeting, models.CASCADE, related_name="notices")
    sequence = models.PositiveIntegerField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "sequence"],
                                               name="one_notice_per_version")]
