from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Municipalities and users")

    def ready(self):
        from . import attention_items, policies, report_kinds  # noqa: F401  registers them
        from .audit import track
        from .models import (
            Attachment,
            Municipality,
            Organisation,
            Region,
            StatisticValue,
            SubArea,
            User,
        )

        for model in (Region, SubArea, Municipality, Organisation):
            track(model)
        track(User, exclude={"last_login"}, secret={"password"})
        track(StatisticValue, exclude={"updated_at"}, owner=lambda value: value.municipality)
        track(Attachment, exclude={"sha256", "content_type", "object_id"},
              owner=lambda attachment: attachment.owner)
