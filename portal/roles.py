from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Organisation, User

# The kind of organisation each role must belong to; None means any (or none).
REQUIRED_ORGANISATION_KIND = {
    User.Role.PREFECTURE: Organisation.Kind.PREFECTURE,
    User.Role.BRANCH: Organisation.Kind.BRANCH_OFFICE,
    User.Role.MUNICIPAL: Organisation.Kind.MUNICIPALITY,
    User.Role.ADMIN: None,
}


def validate_role_scope(role: str, organisation: Organisation | None) -> None:
    """A liaison room belongs to a branch office, municipal staff to a municipality, and so on."""
    required = REQUIRED_ORGANISATION_KIND.get(role)
    if required is None:
        return
    if organisation is None or organisation.kind != required:
        raise ValidationError(
            {"organisation": _("A user with the role “%(role)s” must belong to a %(kind)s.")
             % {"role": User.Role(role).label, "kind": Organisation.Kind(required).label}}
        )
