import datetime

import pytest
from django.utils import timezone

from meetings.models import Body, Membership
from meetings.services import meeting_create

APRIL_1 = datetime.date(2026, 4, 1)


def make_council(*members):
    council = Body.objects.create(kind=Body.Kind.COUNCIL, name="県・市町村連携推進会議")
    for user in members:
        Membership.objects.create(body=council, user=user, title="企画担当課長",
                                  starts_on=APRIL_1)
    return council


def make_meeting(actor, body, days=10, **values):
    starts = timezone.now().replace(microsecond=0) + datetime.timedelta(days=days)
    return meeting_create(actor=actor, body=body, values={
        "title": values.pop("title", ""), "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2), "venue": "県庁 講堂",
        "online_url": "", **values}, agenda=["調査結果の報告", "連携テーマの検討"])


@pytest.fixture
def council(db, municipal_user, prefecture_user):
    return make_council(municipal_user, prefecture_user)


@pytest.fixture(autouse=True)
def in_process(tasks_in_process):
    pass
