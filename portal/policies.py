"""Permission policies for the portal's own models."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from . import grants
from .lib.permissions import CHANGE, DOWNLOAD, FOLLOW, VIEW, Policy, can, register, scope
from .models import (
    Attachment,
    AuditEntry,
    Municipality,
    Organisation,
    Region,
    Report,
    SiteSettings,
    StatisticValue,
    SubArea,
    User,
)

# Decisions about accounts as a whole: the accounts pages, and lifting login lockouts.
MANAGE_ACCOUNTS, LIFT_LOCKOUTS = "manage_accounts", "lift_lockouts"


@register(Region, SubArea, Organisation, StatisticValue)
class ReferenceDataPolicy(Policy):
    """Everyone logged in reads the reference data; prefecture staff maintain it. While the
    public site is on, anonymous visitors read the regions, municipalities and organisations
    (not the statistics)."""

    def public_scope(self, queryset):
        from . import public_site

        if queryset.model is StatisticValue or not public_site.is_on():
            return queryset.none()
        return queryset

    def scope(self, user, action, queryset):
        return queryset if action == VIEW or user.is_prefecture else queryset.none()

    def can(self, user, action, obj):
        return action == VIEW or user.is_prefecture

    def can_create(self, user):
        return user.is_prefecture


@register(SiteSettings)
class SiteSettingsPolicy(Policy):
    """Prefecture staff see and change the portal's settings (the public site's switch)."""

    def scope(self, user, action, queryset):
        return queryset if user.is_prefecture else queryset.none()

    def can(self, user, action, obj):
        return user.is_prefecture


@register(Municipality)
class MunicipalityPolicy(ReferenceDataPolicy):
    """Reference data; following a municipality (its submitted survey answers) is for
    prefecture staff, and for a liaison room the municipalities of its region."""

    actions = (FOLLOW,)

    def can(self, user, action, obj):
        if action == FOLLOW:
            if user.is_prefecture:
                return True
            return user.scope_region is not None and obj.region_id == user.scope_region.pk
        return super().can(user, action, obj)


@register(User)
class UserPolicy(Policy):
    """Prefecture staff see every account, everyone else their own; accounts are changed by
    those the grant table lets grant their role in their organisation. The accounts pages
    (``MANAGE_ACCOUNTS``) are for prefecture staff and liaison rooms; prefecture staff lift
    login lockouts (``LIFT_LOCKOUTS``)."""

    actions = (MANAGE_ACCOUNTS, LIFT_LOCKOUTS)

    def can_model(self, user, action):
        if action == MANAGE_ACCOUNTS:
            return user.is_prefecture or user.role == User.Role.BRANCH
        return action == LIFT_LOCKOUTS and user.is_prefecture

    def scope(self, user, action, queryset):
        if action != VIEW:
            return grants.manageable(user, queryset)
        return queryset if user.is_prefecture else queryset.filter(pk=user.pk)

    def can(self, user, action, obj):
        if action != VIEW:
            return grants.may_manage(user, obj)
        return user.is_prefecture or obj.pk == user.pk

    def cache_scope(self, user):
        return () if user.is_prefecture else ("self", user.pk)

    def can_create(self, user):
        return bool(grants.grantable_roles(user))


@register(AuditEntry)
class AuditPolicy(Policy):
    """Prefecture staff read the audit trail; nobody changes it."""

    def scope(self, user, action, queryset):
        return queryset if action == VIEW and user.is_prefecture else queryset.none()

    def can(self, user, action, obj):
        return action == VIEW and user.is_prefecture

    def can_model(self, user, action):
        return action == VIEW and user.is_prefecture


@register(Attachment)
class AttachmentPolicy(Policy):
    """A file is seen by those who see its object and replaced by those who change it."""

    @staticmethod
    def _owner_action(action):
        # Deleting an attachment needs the right to change its object.
        return VIEW if action == VIEW else CHANGE

    def public_scope(self, queryset):
        from django.contrib.auth.models import AnonymousUser

        return self.scope(AnonymousUser(), VIEW, queryset.filter(is_public=True))

    @classmethod
    def owned_by_allowed(cls, user, action, content_type) -> Q:
        """The files of that kind of object whose object ``user`` may see (or change)."""
        owners = scope(user, cls._owner_action(action),
                       content_type.model_class()._default_manager.all())
        keys = owners.annotate(key=Cast("pk", CharField())).values("key")
        return Q(content_type_id=content_type.pk, object_id__in=keys)

    def scope(self, user, action, queryset):
        allowed = Q(pk__in=[])
        for type_id in queryset.values_list("content_type", flat=True).distinct().order_by():
            allowed |= self.owned_by_allowed(user, action, ContentType.objects.get_for_id(type_id))
        return queryset.filter(allowed)

    def can(self, user, action, obj):
        return obj.owner is not None and can(user, self._owner_action(action), obj.owner)


def attachments_of(user, owner):
    """The files attached to ``owner`` that ``user`` may see, as ``scope`` decides, in one
    query: the kind of object they belong to is known, not looked up first."""
    content_type = ContentType.objects.get_for_model(owner)
    files = Attachment.objects.filter(content_type=content_type, object_id=str(owner.pk))
    if not (user.is_authenticated and user.is_active):  # the public site: public files only
        files = files.filter(is_public=True)
    return files.filter(AttachmentPolicy.owned_by_allowed(user, VIEW, content_type))


@register(Report)
class ReportPolicy(Policy):
    """Reports belong to whoever asked for them; the requester downloads one while still
    allowed to see the data it was built from."""

    actions = (DOWNLOAD,)

    def scope(self, user, action, queryset):
        return queryset.filter(requested_by=user)

    def can(self, user, action, obj):
        if action == DOWNLOAD:
            from .lib import reports

            return obj.requested_by_id == user.pk and reports.still_allowed(user, obj)
        return super().can(user, action, obj)

    def cache_scope(self, user):
        return ("self", user.pk)
