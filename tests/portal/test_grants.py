"""The grant table as a matrix: every actor × role × organisation × admin access, and every
actor × account it might manage."""

import itertools

import pytest

from portal import grants
from portal.models import Organisation, User
from tests.factories import UserFactory, branch_office, municipality_org

pytestmark = pytest.mark.django_db

ROLES = ["admin", "prefecture", "branch", "municipal"]
# The organisations of the matrix: 山形市 lies in the 村山 region, 大蔵村 in 最上.
ORGANISATIONS = ["none", "prefecture", "murayama_office", "shonai_office", "yamagata", "okura"]

# What each actor may grant, written out: (role, organisation, admin access).
EVERYWHERE = set(ORGANISATIONS)
ALLOWED = {
    "system": {(role, org, superuser) for role in ROLES for org in EVERYWHERE
               for superuser in (False, True)},
    "prefecture": {(role, org, False) for role in ("prefecture", "branch", "municipal")
                   for org in EVERYWHERE},
    # An administrator by role only, without admin access, is not a system administrator.
    "admin_without_admin_site": {(role, org, False)
                                 for role in ("prefecture", "branch", "municipal")
                                 for org in EVERYWHERE},
    "murayama_room": {("municipal", "yamagata", False)},
    "yamagata_staff": set(),
    "deactivated_prefecture": set(),
}


@pytest.fixture
def organisations():
    return {
        "none": None,
        "prefecture": Organisation.objects.get(kind="prefecture", name="企画振興部"),
        "murayama_office": branch_office("murayama"),
        "shonai_office": branch_office("shonai"),
        "yamagata": municipality_org("062014"),
        "okura": municipality_org("063657"),
    }


@pytest.fixture
def actors(users_by_role):
    return {
        "system": users_by_role["admin"],
        "prefecture": users_by_role["prefecture"],
        "admin_without_admin_site": UserFactory(role="admin", organisation=None),
        "murayama_room": users_by_role["branch"],
        "yamagata_staff": users_by_role["municipal"],
        "deactivated_prefecture": UserFactory(prefecture=True, is_active=False),
    }


def test_the_grant_matrix(actors, organisations):
    wrong = []
    for (name, actor), role, org, superuser in itertools.product(
            actors.items(), ROLES, ORGANISATIONS, (False, True)):
        expected = (role, org, superuser) in ALLOWED[name]
        if grants.may_grant(actor, role, organisations[org], superuser=superuser) != expected:
            wrong.append((name, role, org, superuser, expected))
    assert wrong == []


def test_the_roles_offered_are_the_ones_granted(actors):
    offered = {name: set(grants.grantable_roles(actor)) for name, actor in actors.items()}
    assert offered == {name: {role for role, _org, _su in allowed}
                       for name, allowed in ALLOWED.items()}


# Who manages which account: the account's current role and organisation must be grantable.
MANAGES = {
    "system": {"superuser", "prefecture", "murayama_room", "yamagata", "okura"},
    "prefecture": {"prefecture", "murayama_room", "yamagata", "okura"},
    "admin_without_admin_site": {"prefecture", "murayama_room", "yamagata", "okura"},
    "murayama_room": {"yamagata"},
    "yamagata_staff": set(),
    "deactivated_prefecture": set(),
}


def test_the_manage_matrix(actors, users_by_role):
    accounts = {
        "superuser": UserFactory(portal_admin=True),
        "prefecture": UserFactory(prefecture=True),
        "murayama_room": UserFactory(role="branch", organisation=branch_office("murayama")),
        "yamagata": UserFactory(organisation=municipality_org("062014")),
        "okura": UserFactory(organisation=municipality_org("063657")),
    }
    wrong = [(name, target, expected)
             for (name, actor), (target, account) in itertools.product(actors.items(),
                                                                       accounts.items())
             if grants.may_manage(actor, account) != (expected := target in MANAGES[name])]
    assert wrong == []
    manageable = grants.manageable(actors["murayama_room"], User.objects.all())
    assert set(manageable) == {accounts["yamagata"], users_by_role["municipal"]}


def test_a_liaison_room_places_accounts_only_in_its_regions_municipalities(branch_user):
    names = {organisation.name for organisation in grants.organisations(branch_user)}
    assert "山形市" in names and "大蔵村" not in names
    assert all(o.kind == "municipality" and o.municipality.region.code == "murayama"
               for o in grants.organisations(branch_user))
