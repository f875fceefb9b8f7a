"""A web worker compiles the templates and fills the reverse tables before its first request
(portal/worker_start.py, called from portal/wsgi.py)."""

import subprocess
import sys

from django.conf import settings
from django.forms.renderers import get_default_renderer
from django.template import engines
from django.urls import get_resolver

from portal import worker_start


def test_ready_compiles_every_template_and_fills_both_reverse_tables():
    project = engines["django"].engine.template_loaders[0]
    widgets = get_default_renderer().engine.engine.template_loaders[0]
    project.reset()
    widgets.reset()
    resolver = get_resolver()
    resolver._reverse_dict.clear()

    worker_start.ready()

    names = worker_start.project_templates()
    assert "base.html" in names and "collaboration/_catalogue.html" in names
    assert set(names) <= set(project.get_template_cache)
    assert "django/forms/widgets/select.html" in widgets.get_template_cache
    assert {code for code, _name in settings.LANGUAGES} <= set(resolver._reverse_dict)


def test_the_wsgi_module_readies_the_worker_on_import():
    # A process of its own: importing portal.wsgi is what a gunicorn worker does.
    probe = ("import portal.wsgi; from django.template import engines; "
             "print(len(engines['django'].engine.template_loaders[0].get_template_cache))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=settings.BASE_DIR, check=True,
                         capture_output=True, text=True, timeout=120).stdout
    assert int(out.strip()) >= len(worker_start.project_templates())
