"""Permission policies for the portal's own models."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from . import grants
from .models import (
    Attachment,
    AuditEntry,
    Municipality,
    Organisation,
    Region,
    Report,
    StatisticValue,
    SubArea,
    User,
)
from .permissions import CHANGE, VIEW, Policy, can, register, scope


@register(Region, SubArea, Municipality, Organisation, StatisticValue)
class ReferenceDataPolicy(Policy):
    """Everyone logged in reads the reference data; prefecture staff maintain it."""

    def scope(self, user, action, queryset):
        return queryset if action == VIEW or user.is_prefecture else queryset.none()

    def can(self, user, action, obj):
        return action == VIEW or user.is_prefecture

    def can_create(self, user):
        return user.is_prefecture


@register(User)
class UserPolicy(Policy):
    """Prefecture staff see every account, everyone else their own; accounts are changed by
    those the grant table lets grant their role in their organisation."""

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


@register(Attachment)
class AttachmentPolicy(Policy):
    """A file is seen by those who see its object and replaced by those who change it."""

    @staticmethod
    def _owner_action(action):
        # Deleting an attachment needs the right to change its object.
        return VIEW if action == VIEW else CHANGE

    def public_scope(self, queryset):
        from django.contrib.auth.models import AnonymousUser

        return self.scope(AnonymousUser(), VIEW, queryset)

    def scope(self, user, action, queryset):
        allowed = Q(pk__in=[])
        for type_id in queryset.values_list("content_type", flat=True).distinct().order_by():
            model = ContentType.objects.get_for_id(type_id).model_class()
            owners = scope(user, self._owner_action(action), model._default_manager.all())
            keys = owners.annotate(key=Cast("pk", CharField())).values("key")
            allowed |= Q(content_type_id=type_id, object_id__in=keys)
        return queryset.filter(allowed)

    def can(self, user, action, obj):
        return obj.owner is not None and can(user, self._owner_action(action), obj.owner)



@register(Report)
class ReportPolicy(Policy):
    """Reports belong to whoever asked for them."""

    def scope(self, user, action, queryset):
        return queryset.filter(requested_by=user)

    def cache_scope(self, user):
        return ("self", user.pk)
