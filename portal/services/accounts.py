"""Accounts: invitation, changes, deactivation and the April hand-over.

Every write asks the grant table (portal/grants.py); the User model's audit tracking records
each change with the actor of the request.
"""

import datetime
import logging
import re
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import grants
from portal.lib import audit
from portal.lib.queue import enqueue_on_commit
from portal.models import Organisation, User, validate_role_scope

logger = logging.getLogger(__name__)


class AccountRefused(Exception):
    """A change the actor may not make, or one that would break a rule; ``field`` names the
    form field it is about, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


def split_name(name: str) -> tuple[str, str]:
    """「山形 太郎」 → ("山形", "太郎"); a name without a space is kept whole as the family name."""
    parts = re.split(r"\s+", name.strip(), maxsplit=1)
    return parts[0], (parts[1] if len(parts) > 1 else "")


def _clean_name(name: str) -> tuple[str, str]:
    name = (name or "").strip()
    if not name:
        raise AccountRefused(_("Enter the person's name."), "name")
    last, first = split_name(name)
    if len(last) > 150 or len(first) > 150:
        raise AccountRefused(_("The name is too long."), "name")
    return last, first


def _clean_email(email: str, *, account: User | None = None) -> str:
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountRefused(_("Enter a valid e-mail address."), "email") from None
    if len(email) > 150:
        raise AccountRefused(_("The e-mail address is too long."), "email")
    taken = User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email))
    if account is not None:
        taken = taken.exclude(pk=account.pk)
    if taken.exists():
        raise AccountRefused(_("Another account already uses this e-mail address."), "email")
    return email


def check_grant(actor, role: str, organisation: Organisation | None, *,
                superuser: bool = False) -> None:
    """Raises unless ``actor`` may give ``role`` in ``organisation`` and the two fit."""
    if role not in User.Role.values:
        raise AccountRefused(_("Choose a role."), "role")
    if superuser and not grants.grant_of(actor).admin_access:
        raise AccountRefused(_("Only system administrators grant access to the "
                               "administration site."), "is_superuser")
    if role not in grants.grant_of(actor).roles:
        raise AccountRefused(_("You may not grant the role “%(role)s”.")
                             % {"role": User.Role(role).label}, "role")
    if not grants.may_grant(actor, role, organisation, superuser=superuser):
        raise AccountRefused(_("You may not manage accounts of %(organisation)s.")
                             % {"organisation": organisation or _("no organisation")},
                             "organisation")
    try:
        validate_role_scope(role, organisation)
    except ValidationError as error:
        raise AccountRefused(" ".join(error.messages), "organisation") from None


def _check_manages(actor, account: User) -> None:
    if not grants.may_manage(actor, account):
        raise AccountRefused(_("You may not manage this account."))


def _is_last_administrator(account: User) -> bool:
    others = User.objects.filter(is_active=True, is_superuser=True).exclude(pk=account.pk)
    return account.is_superuser and account.is_active and not others.exists()


def _send_invitation(account: User) -> None:
    enqueue_on_commit("portal.tasks.send_invitation", account.pk)


@transaction.atomic
def account_invite(*, actor, name: str, email: str, role: str,
                   organisation: Organisation | None, superuser: bool = False) -> User:
    """Creates an account without a password and e-mails its holder a link to set one.
    The e-mail address is the login name."""
    last_name, first_name = _clean_name(name)
    email = _clean_email(email)
    check_grant(actor, role, organisation, superuser=superuser)
    account = User(username=email.lower()[:150], email=email, last_name=last_name,
                   first_name=first_name, role=role, organisation=organisation,
                   is_superuser=superuser, is_staff=superuser)
    account.set_unusable_password()
    account.save()
    _send_invitation(account)
    return account


def invitation_resend(*, actor, account: User) -> None:
    _check_manages(actor, account)
    if not account.is_active or not account.is_invited:
        raise AccountRefused(_("Only an invited account that has not set its password yet "
                               "can be sent the invitation again."))
    _send_invitation(account)
    audit.record(account, audit.Action.UPDATE, note=_("Invitation sent again"))


@transaction.atomic
def account_update(*, actor, account: User, name: str, email: str, role: str,
                   organisation: Organisation | None, superuser: bool | None = None) -> User:
    """Changes name, e-mail, role and organisation within what ``actor`` may grant.
    ``superuser`` None leaves admin access as it is."""
    account = User.objects.select_for_update(of=("self",)).get(pk=account.pk)
    _check_manages(actor, account)
    superuser = account.is_superuser if superuser is None else superuser
    last_name, first_name = _clean_name(name)
    email = _clean_email(email, account=account)
    check_grant(actor, role, organisation, superuser=superuser)
    if account.is_superuser and not superuser and _is_last_administrator(account):
        raise AccountRefused(_("This is the last system administrator; make someone else one "
                               "first."), "is_superuser")
    email_changed = email != account.email
    account.last_name, account.first_name, account.email = last_name, first_name, email
    account.role, account.organisation = role, organisation
    account.is_superuser = account.is_staff = superuser
    account.save()
    if email_changed and account.is_invited:
        _send_invitation(account)  # the old link stopped working with the old address
    return account


def end_sessions(account: User) -> int:
    """Logs the account out everywhere: its sessions are deleted at once."""
    # Sessions are rows in the database; the live ones are few enough to read through.
    keys = [session.session_key
            for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
            if session.get_decoded().get(SESSION_KEY) == str(account.pk)]
    # Through the engine, so a copy of the session in the cache goes with the row.
    store = import_module(settings.SESSION_ENGINE).SessionStore
    for key in keys:
        store(session_key=key).delete()
    return len(keys)


def _deactivate(account: User) -> None:
    if _is_last_administrator(account):
        raise AccountRefused(_("This is the last system administrator; it cannot be "
                               "deactivated."))
    account.is_active = False
    account.save()
    end_sessions(account)


@transaction.atomic
def account_deactivate(*, actor, account: User) -> User:
    """The account can no longer log in, and whoever is logged in with it is logged out."""
    account = User.objects.select_for_update(of=("self",)).get(pk=account.pk)
    _check_manages(actor, account)
    if account.pk == actor.pk:
        raise AccountRefused(_("You cannot deactivate your own account."))
    if not account.is_active:
        return account
    _deactivate(account)
    return account


@transaction.atomic
def account_reactivate(*, actor, account: User) -> User:
    account = User.objects.select_for_update(of=("self",)).get(pk=account.pk)
    _check_manages(actor, account)
    account.is_active, account.deactivate_on = True, None
    account.save()
    return account


def next_april_first(today: datetime.date | None = None) -> datetime.date:
    """The start of the next fiscal year, when the personnel rotation takes effect."""
    today = today or timezone.localdate()
    year = today.year if today < datetime.date(today.year, 4, 1) else today.year + 1
    return datetime.date(year, 4, 1)


@transaction.atomic
def account_hand_over(*, actor, predecessor: User, name: str, email: str,
                      on: datetime.date) -> User:
    """Invites a successor with the predecessor's organisation and role, and deactivates the
    predecessor on ``on`` (today or earlier: at once). What they wrote belongs to the
    organisation and stays."""
    predecessor = User.objects.select_for_update(of=("self",)).get(pk=predecessor.pk)
    _check_manages(actor, predecessor)
    if not predecessor.is_active:
        raise AccountRefused(_("This account is deactivated already."))
    if predecessor.pk == actor.pk:
        raise AccountRefused(_("You cannot hand over your own account; ask a colleague."))
    today = timezone.localdate()
    if on < today:
        raise AccountRefused(_("The date of the hand-over cannot be in the past."), "on")
    successor = account_invite(actor=actor, name=name, email=email, role=predecessor.role,
                               organisation=predecessor.organisation,
                               superuser=predecessor.is_superuser)
    predecessor.deactivate_on = on
    predecessor.save()
    audit.record(predecessor, audit.Action.UPDATE,
                 note=_("Handed over to %(name)s") % {"name": successor.display_name})
    if on <= today:
        _deactivate(predecessor)
    return successor


def deactivate_due(today: datetime.date | None = None) -> int:
    """Deactivates every active account whose hand-over date has come; running it again
    changes nothing."""
    today = today or timezone.localdate()
    done = 0
    for pk in User.objects.filter(is_active=True, deactivate_on__lte=today).values_list(
            "pk", flat=True):
        with transaction.atomic():
            account = User.objects.select_for_update(of=("self",)).filter(
                pk=pk, is_active=True).first()
            if account is None:
                continue
            try:
                _deactivate(account)
            except AccountRefused:
                logger.warning("Account %s not deactivated: the last administrator", pk)
                continue
            done += 1
    return done
