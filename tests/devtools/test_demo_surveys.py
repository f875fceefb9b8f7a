import datetime

import time_machine
from django.utils import timezone

from devtools.demo.surveys import create_demo_survey
from surveys.models import Survey


@time_machine.travel(datetime.datetime(2026, 12, 1, 20, 0, tzinfo=datetime.UTC), tick=False)
def test_the_demo_deadline_is_five_in_the_afternoon_in_yamagata(db):
    create_demo_survey()
    deadline = timezone.localtime(Survey.objects.get().deadline)
    # 20:00 UTC is already 2 December in JST; fourteen days on, at 17:00 local time.
    assert (deadline.date(), deadline.hour, deadline.minute) == (datetime.date(2026, 12, 16), 17, 0)
