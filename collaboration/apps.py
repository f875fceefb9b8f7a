from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Collaboration initiatives")

    def ready(self):
        from portal.lib import caching
        from portal.lib.audit import track

        from . import (  # noqa: F401  registers them
            facet_tally,
            indexing,
            network,
            policies,
            reports,
            synonyms,
        )
        from .models import (
            Axis,
            Category,
            Initiative,
            Method,
            PolicyField,
            SynonymGroup,
            Theme,
            ThemeStatusChange,
        )

        for model in (Axis, Category, Method, PolicyField, Theme, SynonymGroup):
            track(model)
        track(ThemeStatusChange, owner=lambda change: change.theme)
        caching.bump_on_change(synonyms.TOPIC, SynonymGroup)
        caching.bump_on_change("initiatives", Initiative, Axis, Category, Method, PolicyField,
                               Theme, ThemeStatusChange)
        track(Initiative, exclude={"search_text", "updated_at", "published_at"},
              booleans={"is_published": (_("published"), _("unpublished"))})
        indexing.connect()
        network.connect()
        facet_tally.connect()
