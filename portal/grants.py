"""Who may grant which role, in which organisations: the one table the account pages ask.

An actor manages an account when the account's role and organisation are ones the actor could
grant; changing an account means granting its new role and organisation. Only system
administrators (superusers) grant the administrator role or access to the Django admin.
"""

import enum
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import Organisation, User

Role = User.Role


class Actor(enum.Enum):
    SYSTEM = "system administrator"
    PREFECTURE = "prefecture staff"
    LIAISON_ROOM = "liaison room"
    NOBODY = "nobody"


class Reach(enum.Enum):
    ALL = "every organisation"
    REGION_MUNICIPALITIES = "the municipalities of the actor's region"
    NONE = "no organisation"


@dataclass(frozen=True)
class Grant:
    roles: frozenset[str]
    reach: Reach
    admin_access: bool  # may make someone a superuser (the Django admin)


GRANTS = {
    Actor.SYSTEM: Grant(frozenset({Role.ADMIN, Role.PREFECTURE, Role.BRANCH, Role.MUNICIPAL}),
                        Reach.ALL, admin_access=True),
    Actor.PREFECTURE: Grant(frozenset({Role.PREFECTURE, Role.BRANCH, Role.MUNICIPAL}),
                            Reach.ALL, admin_access=False),
    Actor.LIAISON_ROOM: Grant(frozenset({Role.MUNICIPAL}), Reach.REGION_MUNICIPALITIES,
                              admin_access=False),
    Actor.NOBODY: Grant(frozenset(), Reach.NONE, admin_access=False),
}


def actor_of(user) -> Actor:
    if not (user.is_authenticated and user.is_active):
        return Actor.NOBODY
    if user.is_superuser:
        return Actor.SYSTEM
    # An administrator by role without admin access grants what prefecture staff grant.
    if user.role in (Role.PREFECTURE, Role.ADMIN):
        return Actor.PREFECTURE
    if user.role == Role.BRANCH and user.scope_region is not None:
        return Actor.LIAISON_ROOM
    return Actor.NOBODY


def grant_of(user) -> Grant:
    return GRANTS[actor_of(user)]


def grantable_roles(user) -> list[str]:
    """The roles ``user`` may give, in the order of the role choices."""
    roles = grant_of(user).roles
    return [role for role in Role.values if role in roles]


def _organisation_condition(user, prefix: str = "") -> Q | None:
    """Which organisations ``user`` reaches, as a condition; None means every one."""
    reach = grant_of(user).reach
    if reach is Reach.ALL:
        return None
    if reach is Reach.REGION_MUNICIPALITIES:
        return Q(**{f"{prefix}kind": Organisation.Kind.MUNICIPALITY,
                    f"{prefix}municipality__region": user.scope_region})
    return Q(pk__in=[])


def organisations(user) -> QuerySet:
    """The organisations ``user`` may place accounts in."""
    condition = _organisation_condition(user)
    queryset = Organisation.objects.select_related("region", "municipality")
    return queryset if condition is None else queryset.filter(condition)


def may_grant(user, role: str, organisation: Organisation | None, *,
              superuser: bool = False) -> bool:
    """May ``user`` give an account ``role`` in ``organisation`` (and admin access)?"""
    grant = grant_of(user)
    if role not in grant.roles or (superuser and not grant.admin_access):
        return False
    if grant.reach is Reach.ALL:
        return True
    if organisation is None:
        return False
    return organisations(user).filter(pk=organisation.pk).exists()


def manageable(user, queryset: QuerySet) -> QuerySet:
    """The accounts of ``queryset`` that ``user`` may change, deactivate and hand over."""
    grant = grant_of(user)
    queryset = queryset.filter(role__in=grant.roles)
    if not grant.admin_access:
        queryset = queryset.filter(is_superuser=False)
    condition = _organisation_condition(user, "organisation__")
    return queryset if condition is None else queryset.filter(condition)


def may_manage(user, account) -> bool:
    return manageable(user, User.objects.filter(pk=account.pk)).exists()
