"""Named actions go through ``can(user, action, obj)`` like every other decision: who may
publish, follow, comment and download, role by role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from meetings import services as meeting_services
from portal import permissions
from portal.models import Municipality, Report
from portal.permissions import COMMENT, DOWNLOAD, FOLLOW, PUBLISH, can
from tests.collaboration.conftest import make_initiative
from tests.meetings.conftest import make_council, make_meeting

pytestmark = pytest.mark.django_db


def allowed(users_by_role, action, obj) -> set[str]:
    assert not can(AnonymousUser(), action, obj)
    return {role for role, user in users_by_role.items() if can(user, action, obj)}


def test_publishing_is_for_prefecture_staff_and_the_liaison_room_of_a_region_taking_part(
        users_by_role):
    initiative = make_initiative("山形市の提案", codes=("062014",), published=False)
    assert allowed(users_by_role, PUBLISH, initiative) == {"prefecture", "admin", "branch"}


def test_following_a_municipality_is_for_prefecture_staff_and_its_regions_liaison_room(
        users_by_role):
    yamagata = Municipality.objects.get(lg_code="062014")
    assert allowed(users_by_role, FOLLOW, yamagata) == {"prefecture", "admin", "branch"}


def test_commenting_is_for_those_running_the_body_while_the_minutes_are_circulated(
        users_by_role):
    council = make_council(users_by_role["municipal"])
    meeting = make_meeting(users_by_role["prefecture"], council)
    minutes = meeting.minutes
    assert allowed(users_by_role, COMMENT, minutes) == set()
    meeting_services.minutes_advance(actor=users_by_role["prefecture"], minutes=minutes,
                                     to="circulated")
    minutes.refresh_from_db()
    assert allowed(users_by_role, COMMENT, minutes) == {"prefecture", "admin"}


def test_a_report_is_downloaded_by_its_requester_only(users_by_role):
    report = Report.objects.create(kind="annual_xlsx", params={"year": 2025}, title="年次報告",
                                   requested_by=users_by_role["prefecture"], status="done")
    assert allowed(users_by_role, DOWNLOAD, report) == {"prefecture"}


def test_a_policy_refuses_a_named_action_it_does_not_decide(users_by_role):
    yamagata = Municipality.objects.get(lg_code="062014")
    assert not can(users_by_role["prefecture"], PUBLISH, yamagata)
    with pytest.raises(ValueError):
        permissions.scope(users_by_role["prefecture"], PUBLISH, Municipality.objects.all())
