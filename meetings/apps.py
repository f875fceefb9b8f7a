from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Councils and meetings")

    def ready(self):
        from portal.lib import caching
        from portal.lib.audit import track

        from . import policies, report_kinds  # noqa: F401  registers them
        from .models import ActionItem, AgendaItem, Body, Meeting, Membership

        for model in (Body, Membership, Meeting, AgendaItem, ActionItem):
            track(model, exclude={"uid", "sequence"})
        caching.bump_on_change("meetings", Body, Membership)
