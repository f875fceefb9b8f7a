import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404

from portal.lib import permissions
from portal.lib.permissions import CHANGE, VIEW
from portal.models import Municipality, Organisation, StatisticValue, User
from tests.factories import UserFactory, branch_office, municipality_org

pytestmark = pytest.mark.django_db


def test_every_signed_in_role_sees_all_35_municipalities(users_by_role):
    for user in users_by_role.values():
        assert permissions.scope(user, VIEW, Municipality.objects.all()).count() == 35


def test_anonymous_visitors_see_no_municipality(client):
    from django.contrib.auth.models import AnonymousUser

    assert not permissions.scope(AnonymousUser(), VIEW, Municipality.objects.all()).exists()


def test_only_prefecture_staff_and_admins_change_reference_data(users_by_role):
    yamagata = Municipality.objects.get(lg_code="062014")
    allowed = {name for name, user in users_by_role.items()
               if permissions.can(user, CHANGE, yamagata)}
    assert allowed == {"prefecture", "admin"}


def test_only_prefecture_staff_and_admins_import_statistics(users_by_role):
    allowed = {name for name, user in users_by_role.items()
               if permissions.can_create(user, StatisticValue)}
    assert allowed == {"prefecture", "admin"}


def test_a_liaison_room_is_scoped_to_its_region(branch_user, other_branch_user):
    assert branch_user.scope_region.code == "murayama"
    assert other_branch_user.scope_region.code == "shonai"
    assert branch_user.scope_municipality is None


def test_municipal_staff_are_scoped_to_their_municipality(municipal_user):
    assert municipal_user.scope_municipality.lg_code == "062014"
    assert municipal_user.scope_region is None


def test_users_see_only_their_own_account_unless_prefecture(users_by_role):
    municipal = users_by_role["municipal"]
    visible = permissions.scope(municipal, VIEW, User.objects.all())
    assert list(visible) == [municipal]
    assert permissions.scope(users_by_role["prefecture"], VIEW, User.objects.all()).count() == 6


def test_get_object_or_404_hides_what_is_outside_the_scope(municipal_user, other_municipal_user):
    with pytest.raises(Http404):
        permissions.get_object_or_404(municipal_user, VIEW, User.objects.all(),
                                      pk=other_municipal_user.pk)


def test_an_inactive_user_has_no_scope(municipal_user):
    municipal_user.is_active = False
    assert not permissions.scope(municipal_user, VIEW, Municipality.objects.all()).exists()


def test_a_model_without_a_policy_is_refused_not_allowed(prefecture_user):
    from django.contrib.sessions.models import Session

    with pytest.raises(ImproperlyConfigured):
        permissions.scope(prefecture_user, VIEW, Session.objects.all())


def test_unknown_actions_are_a_programming_error(prefecture_user):
    with pytest.raises(ValueError):
        permissions.scope(prefecture_user, "publish", Municipality.objects.all())


@pytest.mark.parametrize("role, organisation", [
    ("branch", lambda: municipality_org("062014")),
    ("municipal", lambda: branch_office("mogami")),
    ("prefecture", lambda: None),
    ("municipal", lambda: None),
])
def test_a_role_must_belong_to_the_matching_kind_of_organisation(role, organisation):
    user = UserFactory.build(role=role, organisation=organisation())
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "organisation" in error.value.message_dict


def test_the_roles_match_their_organisations_when_valid():
    user = UserFactory.build(role="branch", organisation=branch_office("okitama"))
    user.full_clean(exclude=["password"])
    assert Organisation.objects.filter(kind="branch_office").count() == 4
