"""One date style everywhere: a deadline or a meeting with its weekday and Japan's time, the
same words on the home page, the meeting page, the survey list and the board."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from meetings import services
from tests.meetings.conftest import make_council, make_meeting
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 20, 1, 0, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


def test_a_surveys_deadline_reads_the_same_on_home_list_and_board(client, prefecture_user,
                                                                  municipal_user):
    # 08:44 UTC on 1 December is 17:44 in Japan.
    survey = make_survey(deadline=datetime.datetime(2026, 12, 1, 8, 44, tzinfo=datetime.UTC))
    deadline = "令和8年12月1日(火) 17:44"
    client.force_login(municipal_user)
    assert f"締切 {deadline}" in client.get(reverse("home")).content.decode()
    assert deadline in client.get(reverse("survey_answer", args=[survey.pk])).content.decode()
    client.force_login(prefecture_user)
    assert deadline in client.get(reverse("survey_list")).content.decode()
    assert deadline in client.get(reverse("survey_status", args=[survey.pk])).content.decode()


def test_a_meeting_and_an_action_items_due_day_read_the_same_everywhere(
        client, prefecture_user, municipal_user):
    council = make_council(municipal_user, prefecture_user)
    meeting = make_meeting(prefecture_user, council, days=3)  # 2026-11-23 10:00 in Japan
    services.action_item_add(actor=prefecture_user, meeting=meeting, title="協定案の作成",
                             owner=municipal_user, due_on=datetime.date(2026, 11, 25))
    client.force_login(municipal_user)
    home = client.get(reverse("home")).content.decode()
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "令和8年11月25日(水)" in home and "令和8年11月25日(水)" in page
    assert "2026-11-25" not in home and "2026年11月25日" not in page
    assert "令和8年11月23日(月) 10:00–12:00" in page
    assert "令和8年11月23日(月) 10:00" in client.get(
        reverse("body_detail", args=[council.pk])).content.decode()
