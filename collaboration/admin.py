from django.contrib import admin

from portal.admin import PortalModelAdmin

from .models import Axis, Category, Initiative, Method, PolicyField, Theme


@admin.register(Axis)
class AxisAdmin(PortalModelAdmin):
    list_display = ["code", "name", "sort_order"]


@admin.register(Category)
class CategoryAdmin(PortalModelAdmin):
    list_display = ["label", "code", "name", "axis"]
    filter_horizontal = ["main_methods"]


@admin.register(Method)
class MethodAdmin(PortalModelAdmin):
    list_display = ["name", "sort_order"]


@admin.register(PolicyField)
class PolicyFieldAdmin(PortalModelAdmin):
    list_display = ["name", "sort_order"]


@admin.register(Theme)
class ThemeAdmin(PortalModelAdmin):
    list_display = ["title", "created_at"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["initiatives"]
    list_per_page = 50


@admin.register(Initiative)
class InitiativeAdmin(PortalModelAdmin):
    """Listing and search; initiatives are written through the portal's own pages, where the
    search index and the participants' rules are kept."""

    list_display = ["title", "category", "status", "is_published", "is_model", "is_demo",
                    "updated_at"]
    list_filter = ["category", "status", "is_published", "is_model", "is_demo"]
    search_fields = ["title"]
    list_select_related = ["category"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
