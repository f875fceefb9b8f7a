from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Councils and meetings")

    def ready(self):
        from portal import caching, reference
        from portal.audit import track

        from . import (  # noqa: F401  registers them
            attention_items,
            policies,
            report_kinds,
            sections,
            tasks,
        )
        from .models import ActionItem, AgendaItem, Body, Meeting, Membership

        for model in (Body, Membership, Meeting, AgendaItem, ActionItem):
            track(model, exclude={"uid", "sequence"})
        caching.bump_on_change("meetings", Body, Membership)
        from .demo import create_demo_councils
        from .synthetic import generate_for_scale

        reference.register_demo_loader(create_demo_councils)
        reference.register_generator("meetings", generate_for_scale)
