from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy

from .forms import AdminLoginForm
from .lib import permissions
from .models import (
    Attachment,
    AuditEntry,
    Municipality,
    Organisation,
    Region,
    StatisticValue,
    SubArea,
    User,
)

admin.site.site_header = gettext_lazy("Renkei Portal administration")
admin.site.site_title = gettext_lazy("Renkei Portal")
admin.site.unregister(Group)
admin.site.login_form = AdminLoginForm


def _system_administrators_only(request) -> bool:
    # The admin is the operator's tool; prefecture staff do their work in the portal's pages.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _system_administrators_only


class PortalModelAdmin(admin.ModelAdmin):
    """Admin pages ask the portal's permission policies, not Django's model permissions."""

    def has_module_permission(self, request):
        return permissions.scope(request.user, permissions.VIEW,
                                 self.model._default_manager.all()).exists() or \
            permissions.can_create(request.user, self.model)

    def get_queryset(self, request):
        return permissions.scope(request.user, permissions.VIEW, super().get_queryset(request))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return permissions.can(request.user, permissions.VIEW, obj)

    def has_add_permission(self, request):
        return permissions.can_create(request.user, self.model)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return permissions.can_create(request.user, self.model)
        return permissions.can(request.user, permissions.CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return permissions.can_create(request.user, self.model)
        return permissions.can(request.user, permissions.DELETE, obj)


class PortalInline(admin.TabularInline):
    """Rows edited inside their parent's page: whoever may change the parent may change them."""

    extra = 1

    def _may_change_parent(self, request, obj):
        if obj is None:
            return permissions.can_create(request.user, self.parent_model)
        return permissions.can(request.user, permissions.CHANGE, obj)

    def has_view_permission(self, request, obj=None):
        return obj is None or permissions.can(request.user, permissions.VIEW, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_change_parent(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._may_change_parent(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_change_parent(request, obj)


@admin.register(Region)
class RegionAdmin(PortalModelAdmin):
    list_display = ["name", "code", "office_name", "liaison_room_name", "sort_order"]


@admin.register(SubArea)
class SubAreaAdmin(PortalModelAdmin):
    list_display = ["name", "code", "region"]


@admin.register(Municipality)
class MunicipalityAdmin(PortalModelAdmin):
    list_display = ["lg_code", "name", "kana", "kind", "region", "subarea"]
    list_filter = ["region", "kind"]
    search_fields = ["lg_code", "name", "kana"]
    list_select_related = ["region", "subarea"]


@admin.register(Organisation)
class OrganisationAdmin(PortalModelAdmin):
    list_display = ["name", "kind", "region", "municipality"]
    list_filter = ["kind", "region"]
    search_fields = ["name"]
    list_select_related = ["region", "municipality"]


@admin.register(User)
class PortalUserAdmin(PortalModelAdmin, UserAdmin):
    list_display = ["username", "last_name", "first_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["username", "last_name", "first_name", "email"]
    fieldsets = UserAdmin.fieldsets + ((gettext_lazy("Role and scope"),
                                        {"fields": ["role", "organisation", "deactivate_on"]}),)
    add_fieldsets = UserAdmin.add_fieldsets + ((gettext_lazy("Role and scope"),
                                                {"fields": ["role", "organisation"]}),)


@admin.register(StatisticValue)
class StatisticValueAdmin(PortalModelAdmin):
    list_display = ["municipality", "indicator", "year", "value", "source", "as_of", "is_demo"]
    list_filter = ["indicator", "year", "is_demo", "municipality__region"]
    search_fields = ["municipality__name", "municipality__lg_code", "source"]
    list_select_related = ["municipality"]


@admin.register(AuditEntry)
class AuditEntryAdmin(PortalModelAdmin):
    """Read-only: the policy allows viewing and nothing else."""

    list_display = ["at", "actor_name", "action", "content_type", "object_repr", "ip_address"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "actor_name", "note"]
    date_hierarchy = "at"
    list_select_related = ["content_type"]
    readonly_fields = [field.name for field in AuditEntry._meta.fields]


@admin.register(Attachment)
class AttachmentAdmin(PortalModelAdmin):
    """Files are added through the pages of their objects; here they can be listed."""

    list_display = ["name", "title", "content_type", "object_id", "size", "uploaded_by",
                    "uploaded_at"]
    list_filter = ["content_type", "mime_type"]
    search_fields = ["name", "title"]
    list_select_related = ["content_type", "uploaded_by"]
    readonly_fields = [field.name for field in Attachment._meta.fields]
