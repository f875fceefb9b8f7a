"""`make run` serves the demo on SQLite: the pages whose queries take a path of their own
there (facet counts, the network, the themes' chain) are built on a real SQLite database."""

import json

from .test_settings import run_settings

PAGES = """
import json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_reference_data", verbosity=0)
from devtools.demo.portal import create_demo_users
create_demo_users()
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
client = Client()
client.force_login(get_user_model().objects.get(username="demo-pref"))
paths = [reverse("home"), reverse("dashboard"), reverse("initiative_list"),
         reverse("initiative_list") + "?region=murayama&q=ICT", reverse("survey_list")]
print(json.dumps({path: client.get(path, HTTP_HOST="localhost").status_code
                  for path in paths}))
"""


def test_staff_pages_are_built_on_sqlite(tmp_path):
    result = run_settings(tmp_path, code=PAGES, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(statuses.values()) == {200}, statuses
