"""The demo accounts the login page lists in demo mode (``DEMO_MODE``); devtools creates them."""

from dataclasses import dataclass

from portal.models import User

DEMO_PASSWORD = "renkei-demo-2026"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    organisation: str


def demo_logins() -> list[DemoLogin]:
    """The demo accounts in the order the login page lists them."""
    role_order = [User.Role.ADMIN, User.Role.PREFECTURE, User.Role.BRANCH, User.Role.MUNICIPAL]
    users = sorted(
        User.objects.filter(username__startswith="demo-").select_related("organisation__region"),
        key=lambda user: (role_order.index(user.role),
                          user.organisation.region.sort_order if user.role == User.Role.BRANCH
                          else 0, user.username),
    )
    return [DemoLogin(user.username, user.get_role_display(),
                      str(user.organisation) if user.organisation else "") for user in users]
