from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Municipalities and users")

    def ready(self):
        from portal import caching, reference

        from . import (  # noqa: F401  registers them
            attention_items,
            checks,
            dashboard_measures,
            policies,
            report_kinds,
        )
        from .audit import track
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
        from .services.synthetic_audit import generate_for_scale

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
        # Last of all generators: the entries are about the rows the others made.
        reference.register_generator("audit", generate_for_scale, order=100)
