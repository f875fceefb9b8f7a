from django.contrib import admin

from portal.admin import PortalInline, PortalModelAdmin

from .models import AgendaItem, Body, Meeting, Membership


class MembershipInline(PortalInline):
    model = Membership
    autocomplete_fields = ["user"]


class AgendaItemInline(PortalInline):
    model = AgendaItem
    autocomplete_fields = ["theme", "initiative"]


@admin.register(Body)
class BodyAdmin(PortalModelAdmin):
    """Bodies and their members; at the April rotation end a seat (until) and add the new one."""

    list_display = ["name", "kind", "region", "parent"]
    list_filter = ["kind", "region"]
    inlines = [MembershipInline]


@admin.register(Meeting)
class MeetingAdmin(PortalModelAdmin):
    """The agenda with its links to themes, initiatives and survey results; meetings are
    created, announced and cancelled from the council's page, where notices are sent."""

    list_display = ["__str__", "starts_at", "status"]
    list_filter = ["body", "status"]
    fields = ["body", "number", "title", "starts_at", "ends_at", "venue", "status"]
    readonly_fields = fields
    inlines = [AgendaItemInline]

    def has_add_permission(self, request):
        return False
