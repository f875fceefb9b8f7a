"""Versioned caching of the expensive parts of pages.

Each cached value is keyed by the versions of the topics it was computed from ("initiatives",
"surveys" …); a write bumps its topic, so a page never shows data older than the last change,
and a short timeout bounds anything a bulk write forgot to announce, or a process that could
not reach the cache failed to. A cache that is down only makes pages slower: every failure
falls back to computing."""

import hashlib
import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction

from .permissions import cache_scope, consulted_policies, policy_for

# The longest a kept value is served, by the reader's clock as well as the cache's: also the
# bound on how long a write whose bump failed (its process cut off from the cache) stays unseen.
TIMEOUT = 60
# Once the cache fails, this process leaves it alone for a while: a write must not wait for
# a connection timeout per topic while Redis is down.
RETRY_AFTER = 30.0
logger = logging.getLogger(__name__)
_down_until = 0.0


def _usable() -> bool:
    return time.monotonic() >= _down_until


def _failed(what: str) -> None:
    global _down_until
    _down_until = time.monotonic() + RETRY_AFTER
    logger.warning("Cache unavailable (%s); pages are built without it for %d s", what,
                   RETRY_AFTER, exc_info=True)


def _topic_key(topic: str) -> str:
    return f"topic:{topic}"


EVERYTHING = "everything"  # bumped after bulk loads that announce nothing row by row


def _versions(topics: Iterable[str]) -> str:
    return _versions_of([topics])[0]


def _versions_of(groups: list[Iterable[str]]) -> list[str]:
    """Each group of topics' versions as one string, read from the cache in one round trip
    however many groups there are."""
    lists = [[_topic_key(topic) for topic in (EVERYTHING, *topics)] for topics in groups]
    keys = list(dict.fromkeys(key for group in lists for key in group))
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # A clock value, not 1: a topic forgotten by the cache never reuses an old version.
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key)
    return [".".join(str(found[key]) for key in group) for group in lists]


def _bump_now(topics: Iterable[str]) -> None:
    if not _usable():
        return
    for topic in topics:
        key = _topic_key(topic)
        try:
            try:
                cache.incr(key)
            except ValueError:  # not there yet: any new value will do
                cache.add(key, time.time_ns(), timeout=None)
        except Exception:
            _failed(f"bumping {topic}")
            return


def bump(*topics: str) -> None:
    """Marks the topics changed. Inside a transaction, again when it commits, so a page read
    between the write and the commit is not kept; outside, once."""
    _bump_now(topics)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _bump_now(topics))


def scope_key(user, reads: Iterable = ()) -> tuple:
    """Users share a cached page when the policies of the models it reads (``reads``) decide
    alike for them: the same role and organisation, and whatever a policy reads of the user
    personally (``Policy.cache_scope``: a proposer's own proposals, a member's seats)."""
    return cache_scope(user, reads)


def enabled() -> bool:
    from django.conf import settings

    return settings.PAGE_CACHE and _usable()


# Values also kept in the process (``remember(local=True)``), most recently used last: the
# pages every anonymous visitor shares cost one look at the topics' versions, not a transfer.
LOCAL_ENTRIES = 128
_local: OrderedDict = OrderedDict()


def _fresh(kept) -> tuple[bool, object]:
    if isinstance(kept, tuple) and len(kept) == 2:
        built_at, value = kept
        if 0 <= time.time() - built_at <= TIMEOUT:
            return True, value
    return False, None


def _keep_locally(key: str, kept: tuple) -> None:
    _local[key] = kept
    _local.move_to_end(key)
    while len(_local) > LOCAL_ENTRIES:
        _local.popitem(last=False)


def remember(name: str, topics: tuple[str, ...], parts: tuple, compute: Callable, *,
             local: bool = False):
    """``compute()``'s value for these parts and the topics' current versions; with
    ``local``, also kept in this process (the versions are still read each time)."""
    if not enabled():
        return compute()
    try:
        digest = hashlib.sha256(repr((parts, _versions(topics))).encode()).hexdigest()[:32]
        key = f"memo:{name}:{digest}"
        found, value = _fresh(_local.get(key)) if local else (False, None)
        if found:
            return value
        kept = cache.get(key)
    except Exception:
        _failed(f"reading {name}")
        return compute()
    found, value = _fresh(kept)
    if found:
        if local:
            _keep_locally(key, kept)
        return value
    value = compute()
    kept = (time.time(), value)
    if local:
        _keep_locally(key, kept)
    try:
        cache.set(key, kept, TIMEOUT)
    except Exception:
        _failed(f"keeping {name}")
    return value


# Stands for the requester's CSRF token in a shared fragment until the fragment is served.
CSRF_PLACEHOLDER = "csrf-token-of-the-requester"


def render(template: str, context: dict, request) -> str:
    """Renders a fragment to share: its forms carry the placeholder, not this user's token."""
    from django.template.loader import render_to_string

    return render_to_string(template, {**context, "csrf_token": CSRF_PLACEHOLDER}, request)


def _checked(name: str, reads: tuple, build: Callable[[], str]) -> Callable[[], str]:
    """``build`` that refuses to finish when it asked a policy that reads the user personally
    and is not in ``reads``: its page would be shared by users that policy tells apart."""
    from django.core.exceptions import ImproperlyConfigured

    declared = {policy_for(model) for model in reads}

    def checked() -> str:
        with consulted_policies() as seen:
            html = build()
        missing = {type(p).__name__ for p in seen - declared if p.reads_the_user()}
        if missing:
            raise ImproperlyConfigured(
                f"Cached fragment {name!r} reads {sorted(missing)} without keying on them")
        return html

    return checked


@dataclass(frozen=True)
class Fragment:
    """A piece of page: ``build()`` renders it (with ``render``) from rows of the models
    ``reads``, kept under ``topics`` for ``parts``."""

    name: str
    topics: tuple[str, ...]
    parts: tuple
    build: Callable[[], str]
    reads: tuple = ()


def fragment(request, name: str, topics: tuple[str, ...], parts: tuple,
             build: Callable[[], str], *, reads: tuple = ()) -> str:
    """A piece of page rendered by ``build()`` (with ``render``) and shared by the users the
    policies of ``reads`` (the models whose rows it shows) decide alike, in one language;
    the requester's own CSRF token is put in as it is served."""
    return fragments(request, [Fragment(name, topics, parts, build, reads)])[0]


def fragments(request, pieces: list[Fragment]) -> list:
    """``fragment`` of each piece, in three round trips to the cache however many pieces
    there are (their topics' versions, the pieces kept, the pieces built): a page of several
    pieces built cold spent a millisecond a piece talking to the cache. A piece without
    topics is built every time (nothing would tell that it changed)."""
    from django.middleware.csrf import get_token
    from django.utils.safestring import mark_safe

    builds = [_checked(piece.name, piece.reads, piece.build) if piece.topics else piece.build
              for piece in pieces]
    if not enabled():
        htmls = [build() for build in builds]
    else:
        htmls = _kept_or_built(request, pieces, builds)
    token = None
    for n, html in enumerate(htmls):
        if CSRF_PLACEHOLDER in html:
            token = token or get_token(request)
            html = html.replace(CSRF_PLACEHOLDER, token)
        htmls[n] = mark_safe(html)
    return htmls


def _kept_or_built(request, pieces: list[Fragment], builds: list[Callable[[], str]]) -> list:
    if not all(piece.topics for piece in pieces):
        kept = iter(_kept_or_built(request, [p for p in pieces if p.topics],
                                   [b for p, b in zip(pieces, builds, strict=True) if p.topics]))
        return [next(kept) if piece.topics else build()
                for piece, build in zip(pieces, builds, strict=True)]
    if not pieces:
        return []
    try:
        versions = _versions_of([piece.topics for piece in pieces])
        keys = [f"memo:{piece.name}:" + hashlib.sha256(repr((
            (scope_key(request.user, piece.reads), request.LANGUAGE_CODE, *piece.parts),
            version)).encode()).hexdigest()[:32]
            for piece, version in zip(pieces, versions, strict=True)]
        kept = cache.get_many(keys)
    except Exception:
        _failed(f"reading {', '.join(piece.name for piece in pieces)}")
        return [build() for build in builds]
    htmls, built = [], {}
    for key, build in zip(keys, builds, strict=True):
        found, html = _fresh(kept.get(key))
        if not found:
            html = build()
            built[key] = (time.time(), html)
        htmls.append(html)
    if built:
        try:
            cache.set_many(built, TIMEOUT)
        except Exception:
            _failed(f"keeping {', '.join(piece.name for piece in pieces)}")
    return htmls


def bump_on_change(topic: str, *models, when: Callable[[object], bool] | None = None) -> None:
    """Bumps ``topic`` whenever a row of these models, or one of their many-to-many links,
    is saved or deleted; with ``when``, only for the rows it accepts."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    def changed(sender, instance, **kwargs):
        if when is None or when(instance):
            bump(topic)

    def links_changed(sender, action, **kwargs):
        if action.startswith("post_"):
            bump(topic)

    for model in models:
        uid = f"bump:{topic}:{model._meta.label}"
        post_save.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(changed, sender=model, weak=False, dispatch_uid=uid)
        for field in model._meta.many_to_many:
            m2m_changed.connect(links_changed, sender=field.remote_field.through, weak=False,
                                dispatch_uid=f"{uid}:{field.name}")
