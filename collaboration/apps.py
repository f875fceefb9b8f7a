from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Collaboration initiatives")

    def ready(self):
        from portal import caching, reference
        from portal.audit import track

        from . import (  # noqa: F401  registers them
            attention_items,
            dashboard,
            policies,
            reports,
            sections,
        )
        from .models import Axis, Category, Initiative, Method, PolicyField, Theme
        from .services.demo import create_demo_initiatives
        from .services.reference import load_framework
        from .services.synthetic import generate_for_scale

        for model in (Axis, Category, Method, PolicyField, Theme):
            track(model)
        caching.bump_on_change("initiatives", Initiative, Axis, Category, Method, PolicyField,
                               Theme)
        track(Initiative, exclude={"search_text", "search_grams", "updated_at", "published_at"},
              booleans={"is_published": (_("published"), _("unpublished"))})
        reference.register_loader(load_framework)
        reference.register_demo_loader(create_demo_initiatives)
        reference.register_generator("initiatives", generate_for_scale)
