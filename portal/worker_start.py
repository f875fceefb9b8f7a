"""What a web worker readies before its first request: otherwise the first request of each
page in each new worker compiles its templates and the forms' widget templates, loads the
static files' manifest and a language's catalogue and fills the URL resolver's reverse table
(70–120 ms more than the page's own cost, in every worker after every deploy)."""

from pathlib import Path

import django.forms
from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.urls import reverse
from django.utils import translation


def _names(root: Path) -> list[str]:
    return sorted(str(path.relative_to(root)) for path in root.rglob("*")
                  if path.suffix in (".html", ".txt"))


def project_templates() -> list[str]:
    """The names of the portal's own templates (the admin's are compiled when it is used)."""
    return _names(Path(settings.BASE_DIR) / "templates")


def widget_templates() -> list[str]:
    """The forms' widget templates, which the form renderer's own engine compiles."""
    return _names(Path(django.forms.__file__).parent / "templates")


def ready() -> None:
    engine = engines["django"]
    for name in project_templates():
        engine.get_template(name)  # kept by the cached loader for the worker's life
    renderer = get_default_renderer()
    for name in widget_templates():
        renderer.get_template(name)
    staticfiles_storage.url("css/portal.css")  # reads the manifest once
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reverse("home")  # fills this language's reverse table
