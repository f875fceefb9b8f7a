from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Municipalities and users")

    def ready(self):
        from . import attention_items, policies  # noqa: F401  registers providers and policies
