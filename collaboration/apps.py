from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def index_demo_initiatives() -> str:
    from . import similarity

    return f"Similar cases: {similarity.rebuild_index()} initiatives indexed."


def index_generated_initiatives(*, scale: float, seed: int) -> str:
    # Synthetic rows are written in bulk, without the signals that index single saves.
    return index_demo_initiatives()


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = _("Collaboration initiatives")

    def ready(self):
        from portal import caching, reference
        from portal.audit import track

        from . import (  # noqa: F401  registers them
            attention_items,
            dashboard,
            indexing,
            policies,
            reports,
            sections,
            synonyms,
        )
        from .models import Axis, Category, Initiative, Method, PolicyField, SynonymGroup, Theme
        from .services.demo import create_demo_initiatives
        from .services.reference import load_framework
        from .services.synthetic import generate_for_scale

        for model in (Axis, Category, Method, PolicyField, Theme, SynonymGroup):
            track(model)
        caching.bump_on_change(synonyms.TOPIC, SynonymGroup)
        caching.bump_on_change("initiatives", Initiative, Axis, Category, Method, PolicyField,
                               Theme)
        track(Initiative, exclude={"search_text", "search_grams", "updated_at"},
              booleans={"is_published": (_("published"), _("unpublished"))})
        reference.register_loader(load_framework)
        reference.register_demo_loader(create_demo_initiatives)
        reference.register_generator("initiatives", generate_for_scale)
        indexing.connect()
        reference.register_demo_loader(index_demo_initiatives)
        reference.register_generator("similar cases", index_generated_initiatives, order=100)
