"""`make run` serves the demo on SQLite: the board's one statement reads there what the ORM
reads one municipality at a time, moments in their zone included."""

import json

from tests.portal.test_settings import run_settings

BOARD = """
import datetime, json, django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
call_command("load_reference_data", verbosity=0)
from devtools.demo.portal import create_demo_users
create_demo_users()
from django.utils import timezone
from portal.models import Municipality, User
from surveys import board
from surveys.models import (DeadlineExtension, OpeningNotice, ReminderDelivery, Survey,
                            SurveyResponse)
now, hour = timezone.now(), datetime.timedelta(hours=1)
survey = Survey.objects.create(title="調査", fiscal_year=2026, opens_at=now - 24 * hour,
                               deadline=now + 14 * 24 * hour, requested_at=now)
survey.municipalities.set(Municipality.objects.all())
town = {m.lg_code: m for m in Municipality.objects.all()}
SurveyResponse.objects.create(survey=survey, municipality=town["062014"], status="submitted",
                              is_late=True, submitted_at=now - hour, answers={})
SurveyResponse.objects.create(survey=survey, municipality=town["062022"], status="draft",
                              answers={})
for step, ago in (("-7", 3), ("-1", 1)):
    ReminderDelivery.objects.create(survey=survey, municipality=town["062022"], step=step,
                                    sent_at=now - ago * hour)
DeadlineExtension.objects.create(survey=survey, municipality=town["062014"],
                                 until=survey.deadline + 24 * hour, reason="災害対応")
OpeningNotice.objects.create(survey=survey, municipality=town["062014"], sent_at=now,
                             recipients=2)
def moment(value):
    return value and (value.isoformat(), value.utcoffset() is not None)
shown = []
for m, _label, state, response, reminder, notice, _links in board.board_for(
        User.objects.get(username="demo-pref"), survey)["rows"]:
    if m.lg_code in ("062014", "062022", "062031"):
        shown.append([m.lg_code, state, response and [response.status, response.is_late,
                      moment(response.submitted_at)], reminder and [reminder.step,
                      moment(reminder.sent_at)], notice and [moment(notice.sent_at),
                      notice.recipients], moment(m.extended_until), m.extension_reason])
read = [["062014", "late", ["submitted", True, moment(now - hour)], None,
         [moment(now), 2], moment(survey.deadline + 24 * hour), "災害対応"],
        ["062022", "draft", ["draft", False, None], ["-1", moment(now - hour)], None, None,
         None],
        ["062031", "not_started", None, None, None, None, None]]
print(json.dumps({"same": shown == read, "shown": shown, "read": read}, default=str))
"""


def test_the_board_reads_on_sqlite_what_it_reads_on_postgresql(tmp_path):
    result = run_settings(tmp_path, code=BOARD, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["same"], outcome
