from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Collaboration initiatives")

    def ready(self):
        from portal import caching
        from portal.audit import track

        from . import policies, reports  # noqa: F401  registers them
        from .models import (
            Axis,
            Category,
            Initiative,
            Method,
            PolicyField,
            Theme,
            ThemeStatusChange,
        )

        for model in (Axis, Category, Method, PolicyField, Theme):
            track(model)
        track(ThemeStatusChange, owner=lambda change: change.theme)
        caching.bump_on_change("initiatives", Initiative, Axis, Category, Method, PolicyField,
                               Theme, ThemeStatusChange)
        track(Initiative, exclude={"search_text", "search_grams", "updated_at"},
              booleans={"is_published": (_("published"), _("unpublished"))})
