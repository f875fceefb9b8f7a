"""`make run` serves the demo on SQLite: an autosave there is stored too (the asynchronous
commit is PostgreSQL's; SQLite's commit is left as it is)."""

import json

from tests.portal.test_settings import run_settings

AUTOSAVES = """
import datetime, json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_reference_data", verbosity=0)
from devtools.demo.portal import create_demo_users
create_demo_users()
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from portal.models import Municipality, User
from surveys.models import Question, Section, Survey, SurveyResponse
now = timezone.now()
survey = Survey.objects.create(title="調査", fiscal_year=2026, opens_at=now - datetime.timedelta(
    days=1), deadline=now + datetime.timedelta(days=14))
survey.municipalities.set(Municipality.objects.all())
section = Section.objects.create(survey=survey, title="課題", order=1)
question = Question.objects.create(section=section, order=1, kind=Question.Kind.LONG_TEXT,
                                   text="要望")
client = Client()
client.force_login(User.objects.get(username="demo-062014"))
url = reverse("survey_answer", args=[survey.pk])
statuses, version, base = [], 0, "{}"
for text in ("一回目", "二回目"):
    reply = client.post(url, {"version": version, "base": base, "action": "autosave",
                              f"q{question.pk}": text}, HTTP_X_AUTOSAVE="1", HTTP_HOST="localhost")
    statuses.append(reply.status_code)
    if reply.status_code == 200:
        version, base = reply.json()["version"], json.dumps(reply.json()["base"])
stored = SurveyResponse.objects.get(survey=survey).answers.get(f"q{question.pk}")
print(json.dumps({"statuses": statuses, "stored": stored}))
"""


def test_autosaves_are_stored_on_sqlite(tmp_path):
    result = run_settings(tmp_path, code=AUTOSAVES, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome == {"statuses": [200, 200], "stored": "二回目"}, outcome
