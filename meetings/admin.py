from django.contrib import admin

from portal.admin import PortalModelAdmin

from .models import Body, Membership


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Body)
class BodyAdmin(PortalModelAdmin):
    """Bodies and their members; at the April rotation end a seat (until) and add the new one."""

    list_display = ["name", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    inlines = [MembershipInline]
