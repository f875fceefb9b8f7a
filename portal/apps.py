from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Municipalities and users")

    def ready(self):
        from portal.lib import caching

        from . import checks, policies, report_kinds  # noqa: F401  registers them
        from .lib.audit import track
        from .models import (
            Attachment,
            AuditEntry,
            Municipality,
            Organisation,
            Region,
            SiteSettings,
            StatisticValue,
            SubArea,
            User,
        )

        for model in (Region, SubArea, Municipality, Organisation):
            track(model)
        caching.bump_on_change("reference", Region, SubArea, Municipality, Organisation)
        caching.bump_on_change("statistics", StatisticValue)
        caching.bump_on_change("audit", AuditEntry)
        track(User, exclude={"last_login"}, secret={"password"})
        track(StatisticValue, exclude={"updated_at"}, owner=lambda value: value.municipality)
        track(SiteSettings, exclude={"updated_at"})
        caching.bump_on_change("site", SiteSettings)
        track(Attachment, exclude={"sha256", "content_type", "object_id"},
              owner=lambda attachment: attachment.owner)
