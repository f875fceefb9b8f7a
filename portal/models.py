import uuid

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .lib.audited import AuditedManager, AuditedUserManager
from .lib.lg_code import validate_lg_code


class Region(models.Model):
    """One of the four regions, each served by a 総合支庁 and its 連携支援室."""

    objects = AuditedManager()
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20)
    office_name = models.CharField(_("branch office"), max_length=40)
    liaison_room_name = models.CharField(_("liaison room"), max_length=60)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["sort_order"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return self.name


class SubArea(models.Model):
    """A sub-area of a region (村山 has 東南村山・西村山・北村山)."""

    objects = AuditedManager()
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=20)
    region = models.ForeignKey(Region, models.PROTECT, related_name="subareas",
                               verbose_name=_("region"))
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["region__sort_order", "sort_order"]
        verbose_name = _("sub-area")
        verbose_name_plural = _("sub-areas")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    objects = AuditedManager()

    class Kind(models.TextChoices):
        CITY = "city", _("city")
        TOWN = "town", _("town")
        VILLAGE = "village", _("village")

    lg_code = models.CharField(_("local government code"), max_length=6, unique=True,
                               validators=[validate_lg_code])
    name = models.CharField(_("name"), max_length=20)
    kana = models.CharField(_("reading"), max_length=40)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="municipalities",
                               verbose_name=_("region"))
    subarea = models.ForeignKey(SubArea, models.PROTECT, null=True, blank=True,
                                related_name="municipalities", verbose_name=_("sub-area"))
    # Position on the schematic tile map (row 0 is north) and the office's rough location.
    tile_col = models.PositiveSmallIntegerField(_("tile column"))
    tile_row = models.PositiveSmallIntegerField(_("tile row"))
    latitude = models.DecimalField(_("latitude"), max_digits=7, decimal_places=4, null=True,
                                   blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=7, decimal_places=4, null=True,
                                    blank=True)

    class Meta:
        # 団体コード order, as every Japanese government table lists them.
        ordering = ["lg_code"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        constraints = [
            models.UniqueConstraint(fields=["tile_col", "tile_row"], name="one_tile_per_cell"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("municipality_detail", args=[self.lg_code])


class Organisation(models.Model):
    objects = AuditedManager()

    class Kind(models.TextChoices):
        PREFECTURE = "prefecture", _("prefecture department")
        BRANCH_OFFICE = "branch_office", _("branch office")
        MUNICIPALITY = "municipality", _("municipality")
        EXTERNAL = "external", _("outside body")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    region = models.ForeignKey(Region, models.PROTECT, null=True, blank=True,
                               related_name="organisations", verbose_name=_("region"))
    municipality = models.OneToOneField(Municipality, models.PROTECT, null=True, blank=True,
                                        related_name="organisation",
                                        verbose_name=_("municipality"))

    class Meta:
        ordering = ["kind", "name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="unique_organisation_name"),
            models.CheckConstraint(
                condition=~models.Q(kind="branch_office") | models.Q(region__isnull=False),
                name="branch_office_has_region",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="municipality") | models.Q(municipality__isnull=False),
                name="municipality_org_has_municipality",
            ),
        ]

    def __str__(self):
        return self.name


class PortalUserManager(AuditedUserManager):
    def get_queryset(self):
        # Every request reads the user's scope; load it with the user in one query.
        return super().get_queryset().select_related(
            "organisation__region", "organisation__municipality__region"
        )


class User(AbstractUser):
    class Role(models.TextChoices):
        PREFECTURE = "prefecture", _("prefecture planning staff")
        BRANCH = "branch", _("branch-office liaison room")
        MUNICIPAL = "municipal", _("municipal planning staff")
        ADMIN = "admin", _("administrator")

    # The least privileged role is the default: a user without organisation sees no scope.
    role = models.CharField(_("role"), max_length=20, choices=Role.choices,
                            default=Role.MUNICIPAL)
    organisation = models.ForeignKey(Organisation, models.PROTECT, null=True, blank=True,
                                     related_name="users", verbose_name=_("organisation"))
    # Set at a hand-over: the account is deactivated on this date (Asia/Tokyo) by a sweep.
    deactivate_on = models.DateField(_("deactivated on"), null=True, blank=True)

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        validate_role_scope(self.role, self.organisation)

    @property
    def is_portal_admin(self) -> bool:
        return self.is_active and (self.is_superuser or self.role == self.Role.ADMIN)

    @property
    def is_prefecture(self) -> bool:
        return self.is_active and (self.role == self.Role.PREFECTURE or self.is_portal_admin)

    @property
    def scope_region(self):
        """The region a liaison room looks after; None for every other role."""
        if self.role == self.Role.BRANCH and self.organisation:
            return self.organisation.region
        return None

    @property
    def scope_municipality(self):
        """The one municipality a municipal user acts for; None for every other role."""
        if self.role == self.Role.MUNICIPAL and self.organisation:
            return self.organisation.municipality
        return None

    @property
    def is_invited(self) -> bool:
        """Invited and not yet set a password."""
        return not self.has_usable_password() and self.last_login is None

    @property
    def display_name(self) -> str:
        full = f"{self.last_name} {self.first_name}".strip()
        return full or self.username

    @property
    def name_and_organisation(self) -> str:
        """A person named where their organisation is not shown beside: 山形 花子（山形県）."""
        if self.organisation_id is None:
            return self.display_name
        return f"{self.display_name}（{self.organisation.name}）"


# The kind of organisation each role must belong to; None means any (or none).
REQUIRED_ORGANISATION_KIND = {
    User.Role.PREFECTURE: Organisation.Kind.PREFECTURE,
    User.Role.BRANCH: Organisation.Kind.BRANCH_OFFICE,
    User.Role.MUNICIPAL: Organisation.Kind.MUNICIPALITY,
    User.Role.ADMIN: None,
}


def validate_role_scope(role: str, organisation: Organisation | None) -> None:
    """A liaison room belongs to a branch office, municipal staff to a municipality, and so on."""
    required = REQUIRED_ORGANISATION_KIND.get(role)
    if required is None:
        return
    if organisation is None or organisation.kind != required:
        raise ValidationError(
            {"organisation": _("A user with the role “%(role)s” must belong to a %(kind)s.")
             % {"role": User.Role(role).label, "kind": Organisation.Kind(required).label}}
        )


class Indicator(models.TextChoices):
    POPULATION = "population", _("population")
    PROJECTED_POPULATION = "projected_population", _("projected population")
    AGEING_RATE = "ageing_rate", _("ageing rate (65 and over)")
    GENERAL_ADMIN_STAFF = "general_admin_staff", _("general administration staff")
    CIVIL_ENGINEERS = "civil_engineers", _("specialist staff: civil engineering")
    AGRI_FORESTRY = "agri_forestry", _("specialist staff: agriculture and forestry")
    PUBLIC_HEALTH_NURSES = "public_health_nurses", _("specialist staff: public health nurses")
    ICT_STAFF = "ict_staff", _("specialist staff: ICT")


class StatisticValue(models.Model):
    """One figure for one municipality and year, with where it came from."""

    objects = AuditedManager()
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="statistics",
                                     verbose_name=_("municipality"))
    indicator = models.CharField(_("indicator"), max_length=30, choices=Indicator.choices)
    # The year the figure describes; for projections, the projected year.
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("value"), max_digits=12, decimal_places=2)
    source = models.CharField(_("source"), max_length=200)
    as_of = models.DateField(_("as of"))
    is_demo = models.BooleanField(_("demo value"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["municipality__lg_code", "indicator", "year"]
        verbose_name = _("statistic")
        verbose_name_plural = _("statistics")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "indicator", "year"],
                                    name="one_value_per_municipality_indicator_year"),
        ]
        indexes = [models.Index(fields=["indicator", "year"], name="statistic_indicator_year")]

    def __str__(self):
        return f"{self.municipality} {self.get_indicator_display()} {self.year}"


class AuditEntry(models.Model):
    """Who did what to which object, when, with the values before and after. Append-only."""

    class Action(models.TextChoices):
        CREATE = "create", _("created")
        UPDATE = "update", _("changed")
        DELETE = "delete", _("deleted")
        SUBMIT = "submit", _("submitted")
        RETURN = "return", _("returned")
        PUBLISH = "publish", _("published")

    at = models.DateTimeField(_("when"), default=timezone.now)
    actor = models.ForeignKey(User, models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name=_("who"))
    actor_name = models.CharField(_("who"), max_length=150, blank=True)
    ip_address = models.GenericIPAddressField(_("address"), null=True, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+",
                                     verbose_name=_("kind of object"))
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    # The object on whose page the entry is shown, e.g. the municipality of a statistic.
    owner_type = models.ForeignKey(ContentType, models.PROTECT, null=True, blank=True,
                                   related_name="+")
    owner_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-at"], name="audit_object"),
            models.Index(fields=["owner_type", "owner_id", "-at"], name="audit_owner"),
            models.Index(fields=["-at"], name="audit_time"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Audit entries cannot be deleted")


def _attachment_path(instance, filename):
    # A random name on disk: nothing the uploader chose ends up in a path.
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file attached to any object; who may see it is who may see that object."""

    objects = AuditedManager()
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+")
    object_id = models.CharField(max_length=64)
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=200)
    name = models.CharField(_("file name"), max_length=150)
    title = models.CharField(_("title"), max_length=200, blank=True)
    mime_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(User, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    # Only files marked so are offered on the public site, whatever their object's visibility.
    is_public = models.BooleanField(_("shown on the public site"), default=False)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner")]

    def __str__(self):
        return self.title or self.name

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("file_download", args=[self.pk])


def _report_path(instance, filename):
    return f"reports/{timezone.now():%Y/%m}/{uuid.uuid4().hex}"


class Report(models.Model):
    """A report someone asked for: built by a worker, kept for a while, then cleaned up."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("being built")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("report"), max_length=40)
    params = models.JSONField(default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200)
    requested_by = models.ForeignKey(User, models.CASCADE, related_name="reports")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices,
                              default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress"), default=0)
    file = models.FileField(upload_to=_report_path, max_length=200, blank=True)
    filename = models.CharField(max_length=150, blank=True)
    mime_type = models.CharField(max_length=100, blank=True)
    error = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("requested"), default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    # The last sign of life: queued again, started, or a worker's heartbeat while building.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # How many times a worker started building it since it was last asked for.
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        indexes = [models.Index(fields=["requested_by", "kind", "status"], name="report_owner")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("report_detail", args=[self.pk])


class SiteSettings(models.Model):
    """The portal's stored settings that prefecture staff change on a page (one row)."""

    objects = AuditedManager()
    public_site = models.BooleanField(_("public site"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self):
        return str(_("site settings"))

    @classmethod
    def current(cls) -> "SiteSettings":
        return cls.objects.get_or_create(pk=1)[0]


class OutboxTask(models.Model):
    """Background work written in the same transaction as the change that asked for it, so
    that a broker that is down or restarted empty loses nothing: a relay hands it to Celery."""

    task = models.CharField(max_length=200)
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["id"], condition=models.Q(dispatched_at=None),
                                name="outbox_pending")]

    def __str__(self):
        return f"{self.task}{tuple(self.args)}"
