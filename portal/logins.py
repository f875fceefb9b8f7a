"""Failed logins, on top of django-axes: what is locked, for how long, and who may lift it.

Two rules, both counted from axes's ``AccessAttempt`` rows in the database (so they hold when
Redis is down):

- a user name *at one address* is locked after ``AXES_FAILURE_LIMIT`` failures (axes itself,
  ``AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]``), so nobody elsewhere can lock a
  known account and one colleague's typing cannot lock the others behind the same gateway;
- an address is throttled once ``LOGIN_ADDRESS_FAILURE_LIMIT`` failures from it are on record
  (a limit sized for a shared LGWAN or office gateway; see the README). A successful login
  clears that user name's failures at the address, so only failures nobody resolved count.

Failures are kept for ``AXES_COOLOFF_TIME``; a lock ends that long after the failure that
reached the limit (attempts refused while locked are not recorded, so hammering a locked door
does not keep it shut).
"""

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db import DatabaseError, connections, router, transaction
from django.db.models import Max, Sum
from django.utils import timezone

from .lib import audit

log = logging.getLogger(__name__)

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class Lockout:
    """One lock in force: a user name at an address (ACCOUNT) or a whole address (ADDRESS)."""

    kind: str
    username: str
    ip_address: str | None
    failures: int
    since: datetime  # the failure that reached the limit
    until: datetime


def window() -> timedelta:
    return get_cool_off()


def _live(now: datetime):
    return AccessAttempt.objects.filter(attempt_time__gte=now - window())


def account_lockout(username: str | None, ip_address: str | None,
                    now: datetime | None = None) -> Lockout | None:
    """The lock on ``username`` at ``ip_address``, if there is one."""
    now = now or timezone.now()
    found = _live(now).filter(username=username, ip_address=ip_address).aggregate(
        failures=Sum("failures_since_start"), last=Max("attempt_time"))
    if (found["failures"] or 0) < settings.AXES_FAILURE_LIMIT:
        return None
    return Lockout(ACCOUNT, username or "", ip_address, found["failures"], found["last"],
                   found["last"] + window())


def address_failures(ip_address: str | None, now: datetime | None = None) -> int:
    """Failed logins from ``ip_address`` on record that no successful login has cleared."""
    found = _live(now or timezone.now()).filter(ip_address=ip_address).aggregate(
        failures=Sum("failures_since_start"))
    return found["failures"] or 0


def address_lockout(ip_address: str | None, now: datetime | None = None) -> Lockout | None:
    """The throttle on ``ip_address``, if its failures on record have reached the limit."""
    now = now or timezone.now()
    limit = settings.LOGIN_ADDRESS_FAILURE_LIMIT
    runs = list(_live(now).filter(ip_address=ip_address).order_by("attempt_time")
                .values_list("attempt_time", "failures_since_start"))
    total = sum(failures for _at, failures in runs)
    if total < limit:
        return None
    # It holds until enough of the oldest failures age out to bring the count under the limit.
    remaining, until = total, runs[-1][0] + window()
    for at, failures in runs:
        remaining -= failures
        if remaining < limit:
            until = at + window()
            break
    return Lockout(ADDRESS, "", ip_address, total, runs[-1][0], until)


def lockout_for(username: str | None, ip_address: str | None) -> Lockout | None:
    """What stops this user name logging in from this address now (the longer lock first)."""
    found = [lock for lock in (address_lockout(ip_address), account_lockout(username, ip_address))
             if lock is not None]
    return max(found, key=lambda lock: lock.until) if found else None


def current_lockouts(now: datetime | None = None) -> list[Lockout]:
    """Every lock in force, newest first: throttled addresses, then locked user names."""
    now = now or timezone.now()
    live = _live(now)
    addresses = (live.values("ip_address").annotate(failures=Sum("failures_since_start"))
                 .filter(failures__gte=settings.LOGIN_ADDRESS_FAILURE_LIMIT)
                 .values_list("ip_address", flat=True))
    throttled = [address_lockout(ip, now) for ip in addresses]
    accounts = [
        Lockout(ACCOUNT, row["username"] or "", row["ip_address"], row["failures"], row["last"],
                row["last"] + window())
        for row in live.values("username", "ip_address")
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
    ]
    newest_first = sorted([lock for lock in throttled if lock], key=lambda lock: lock.since,
                          reverse=True)
    return newest_first + sorted(accounts, key=lambda lock: lock.since, reverse=True)


class NothingToLift(Exception):
    """The lock has already ended or been lifted."""


@transaction.atomic
def lockout_lift(*, actor, kind: str, ip_address: str, username: str = "") -> int:
    """Lifts the lock on ``username`` at ``ip_address`` (ACCOUNT), or the throttle on
    ``ip_address`` (ADDRESS: its failures on record are cleared). Recorded in the audit trail."""
    attempts = AccessAttempt.objects.filter(ip_address=ip_address)
    if kind == ACCOUNT:
        attempts = attempts.filter(username=username)
    elif kind != ADDRESS:
        raise ValueError(f"Unknown lock kind {kind!r}")
    rows = list(attempts.select_for_update())
    if not rows:
        raise NothingToLift
    failures = sum(row.failures_since_start for row in rows)
    with audit.acting_as(actor):
        entry = audit.entry_for(
            rows[0], audit.Action.DELETE,
            note="login lock lifted" if kind == ACCOUNT else "address throttle lifted",
            changes={"username": [username or None, None], "ip_address": [ip_address, None],
                     "failures_since_start": [failures, None]})
    entry.object_repr = f"{username} @ {ip_address}" if kind == ACCOUNT else str(ip_address)
    entry.save()
    AccessAttempt.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return failures


def lift_for_user_name(username: str) -> int:
    """After a password reset: the person proved who they are, so every lock on the name ends."""
    count, _ = AccessAttempt.objects.filter(username=username).delete()
    return count


@contextmanager
def _bookkeeping(what: str, *, write: bool):
    """A failure of the login records is logged, never the login's 500. A write gets its own
    transaction (or savepoint); a read needs a savepoint only inside a caller's transaction."""
    alias = router.db_for_write(AccessAttempt)
    own = write or connections[alias].in_atomic_block
    try:
        if own:
            with transaction.atomic(using=alias):
                yield
        else:
            yield
    except DatabaseError:
        log.exception("Login bookkeeping failed (%s); the login goes on without it", what)


class PortalAxesHandler(AxesDatabaseHandler):
    """axes's database handler with the address throttle, and with its database errors kept
    out of the login's response."""

    def is_locked(self, request, credentials=None) -> bool:
        locked = False
        # Unreadable records leave the password to decide: a broken table must not lock out all.
        with _bookkeeping("reading the locks", write=False):
            locked = (super().is_locked(request, credentials)
                      or address_lockout(request.axes_ip_address) is not None)
        return locked

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        with _bookkeeping("recording a failed login", write=True):
            super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender, request, user, **kwargs):
        with _bookkeeping("recording a login", write=True):
            super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender, request, user, **kwargs):
        with _bookkeeping("recording a logout", write=True):
            super().user_logged_out(sender, request, user, **kwargs)


def request_lockout(request, credentials=None) -> Lockout | None:
    """The lock that refused this login attempt, for the locked-out page."""
    lockout = None
    with _bookkeeping("reading the locks", write=False):
        lockout = lockout_for(get_client_username(request, credentials),
                              getattr(request, "axes_ip_address", None))
    return lockout
