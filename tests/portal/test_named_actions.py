"""Named actions go through ``can(user, action, obj)`` like every other decision: who may
publish, follow, comment and download, role by role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from meetings import services as meeting_services
from portal.lib import permissions
from portal.lib.permissions import COMMENT, DOWNLOAD, FOLLOW, PUBLISH, can
from portal.models import Municipality, Report
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


# Decisions about a model as a whole, ``can(user, action, Model)``: every page, template and
# service that used to read the user's role asks these instead.
MODEL_DECISIONS = {
    ("portal.User", "manage_accounts"): {"prefecture", "admin", "branch", "other_branch"},
    ("portal.User", "lift_lockouts"): {"prefecture", "admin"},
    ("portal.AuditEntry", "view"): {"prefecture", "admin"},
    ("surveys.Survey", "follow"): {"prefecture", "admin", "branch", "other_branch"},
    ("surveys.Survey", "make_workbook"): {"prefecture", "admin", "branch", "other_branch"},
    ("surveys.Survey", "run"): {"prefecture", "admin"},
    ("surveys.Survey", "build"): {"prefecture", "admin"},
    ("collaboration.Initiative", "make_annual_report"): {"prefecture", "admin", "branch",
                                                         "other_branch"},
    ("collaboration.Category", "edit_framework"): {"prefecture", "admin"},
    ("collaboration.SynonymGroup", "edit_framework"): {"prefecture", "admin"},
    ("collaboration.Theme", "keep_themes"): {"prefecture", "admin"},
}


@pytest.mark.parametrize(("label", "action"), sorted(MODEL_DECISIONS))
def test_decisions_about_a_model_as_a_whole_role_by_role(users_by_role, label, action):
    from django.apps import apps

    model = apps.get_model(label)
    assert action in permissions.actions_of(model)
    assert allowed(users_by_role, action, model) == MODEL_DECISIONS[(label, action)]


def test_a_model_decision_nobody_answers_is_refused(users_by_role):
    from collaboration.models import Theme

    # The policy decides view and change per object; for the model as a whole it says no.
    assert not can(users_by_role["prefecture"], permissions.CHANGE, Theme)
    with pytest.raises(ValueError):
        can(users_by_role["prefecture"], "keep_themes", Municipality)


def test_every_action_of_every_policy_is_answered_for_every_role(users_by_role):
    """The matrix of policies and actions: each one answers every role, signed in or not,
    for its model as a whole, without an error (a new action cannot be left undecided)."""
    from django.apps import apps

    for model in apps.get_models():
        try:
            actions = permissions.actions_of(model)
        except Exception:  # noqa: BLE001 - a model without a policy is never decided
            continue
        for action in actions:
            for user in (AnonymousUser(), *users_by_role.values()):
                assert can(user, action, model) in (True, False), (model, action)


def test_the_survey_workbook_and_the_annual_report_are_offered_to_followers_only(
        users_by_role):
    from portal.lib import reports

    for role, user in users_by_role.items():
        codes = {kind.code for kind in reports.kinds() if kind.allowed(user, None)}
        follows = role in {"prefecture", "admin", "branch", "other_branch"}
        assert ("survey_workbook" in codes) is follows, role
        assert ("annual_xlsx" in codes) is follows, role
