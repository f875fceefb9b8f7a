"""Who may use a page and who may see or change an object: the one place that decides.

Views declare a rule with ``@access(...)``; a view without one is caught by the URL-walk
test. Object-level questions go through ``scope``/``can``/``get_object_or_404``, which
dispatch to the policy registered for the model (``@register(Model)``). A model without a
policy is refused, never allowed by accident. Besides view, change and delete a policy may
name actions of its own (``actions = (ANSWER, REMIND, …)``); any other action is refused as a
programming error. ``can(user, action, Model)`` asks about the model as a whole (may this user
make a theme at all?), answered by the policy's ``can_model``; templates ask through the
``{% can %}`` tag (portal/templatetags/permissions.py).
"""

from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

VIEW = "view"
CHANGE = "change"
DELETE = "delete"
ACTIONS = (VIEW, CHANGE, DELETE)
# Named actions shared by several apps' policies; a policy lists those it decides
# (``Policy.actions``, which may add its own) and answers them in ``can``.
PUBLISH = "publish"
FOLLOW = "follow"
COMMENT = "comment"
DOWNLOAD = "download"
NAMED_ACTIONS = (PUBLISH, FOLLOW, COMMENT, DOWNLOAD)


class Rule:
    """Who may open a view at all; objects inside it are scoped separately."""

    label = ""
    requires_login = True

    def allows(self, user) -> bool:
        raise NotImplementedError

    def __repr__(self):
        return f"<Rule {self.label}>"


class Public(Rule):
    label = "public"
    requires_login = False

    def allows(self, user) -> bool:
        return True


class LoggedIn(Rule):
    label = "logged in"

    def allows(self, user) -> bool:
        return user.is_authenticated and user.is_active


class Roles(Rule):
    """Logged-in users with one of the roles; portal administrators always pass."""

    def __init__(self, *roles: str):
        self.roles = frozenset(roles)
        self.label = "roles: " + ", ".join(sorted(self.roles))

    def allows(self, user) -> bool:
        if not (user.is_authenticated and user.is_active):
            return False
        return user.is_portal_admin or user.role in self.roles


PUBLIC = Public()
LOGGED_IN = LoggedIn()


def access(rule: Rule):
    """Declares who may use a view; anonymous users are sent to log in, others get 403."""

    if not isinstance(rule, Rule):
        raise ImproperlyConfigured("access() needs a permissions.Rule")

    def decorator(view):
        @wraps(view)
        def guarded(request, *args, **kwargs):
            if not rule.allows(request.user):
                if rule.requires_login and not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                raise PermissionDenied
            return view(request, *args, **kwargs)

        guarded.access_rule = rule
        return guarded

    return decorator


class Policy:
    """Object-level rules for one model. Policies only see active, logged-in users;
    anonymous visitors get ``public_scope`` for viewing and nothing else. ``actions`` names
    what the policy decides beyond view, change and delete."""

    actions: tuple[str, ...] = ()

    def scope(self, user, action: str, queryset: QuerySet) -> QuerySet:
        raise NotImplementedError

    def can(self, user, action: str, obj: Model) -> bool:
        return self.scope(user, action, type(obj)._default_manager.filter(pk=obj.pk)).exists()

    def can_create(self, user) -> bool:
        return False

    def can_model(self, user, action: str) -> bool:
        """A decision about the model as a whole, not one object; refused unless answered."""
        return False

    def public_scope(self, queryset: QuerySet) -> QuerySet:
        return queryset.none()

    def cache_scope(self, user) -> tuple:
        """What this policy reads of ``user`` beyond role and organisation (``role_key``), so
        that a cached page is shared only by users it decides alike; () when nothing."""
        return ()

    @classmethod
    def reads_the_user(cls) -> bool:
        return cls.cache_scope is not Policy.cache_scope


def role_key(user) -> tuple:
    """Everything ``is_prefecture``, ``scope_region`` and ``scope_municipality`` are derived
    from: users with the same key are treated alike by every rule that reads only those."""
    return (user.is_prefecture, user.role, user.organisation_id)


def cache_scope(user, models) -> tuple:
    """The key of what the policies of ``models`` show ``user``: the role key, then what each
    policy reads of the user personally. Anonymous visitors get the public scopes, which read
    nothing of the visitor: one key for all of them."""
    if not _is_signed_in(user):
        return ("anonymous",)
    return (*role_key(user), *(part for policy in dict.fromkeys(policy_for(m) for m in models)
                               for part in policy.cache_scope(user)))


_consulted: ContextVar = ContextVar("consulted_policies", default=None)


@contextmanager
def consulted_policies():
    """Collects the policies asked while the block runs (to check a cache key against them)."""
    seen: set = set()
    token = _consulted.set(seen)
    try:
        yield seen
    finally:
        _consulted.reset(token)


_policies: dict[type[Model], Policy] = {}


def register(*models: type[Model]):
    def decorator(policy_class: type[Policy]):
        for model in models:
            _policies[model] = policy_class()
        return policy_class

    return decorator


def policy_for(model: type[Model]) -> Policy:
    try:
        policy = _policies[model._meta.concrete_model]
    except KeyError:
        raise ImproperlyConfigured(
            f"No permission policy registered for {model.__name__}") from None
    seen = _consulted.get()
    if seen is not None:
        seen.add(policy)
    return policy


def _is_signed_in(user) -> bool:
    return bool(user.is_authenticated and user.is_active)


def actions_of(model: type[Model]) -> tuple[str, ...]:
    """Every action the policy of ``model`` decides."""
    return ACTIONS + policy_for(model).actions


def _check_action(action: str, policy: Policy) -> None:
    if action not in ACTIONS and action not in policy.actions:
        raise ValueError(f"Unknown action {action!r} for {type(policy).__name__}")


def scope(user, action: str, queryset: QuerySet) -> QuerySet:
    """The objects of ``queryset`` that ``user`` may act on."""
    policy = policy_for(queryset.model)
    _check_action(action, policy)
    if _is_signed_in(user):
        return policy.scope(user, action, queryset)
    return policy.public_scope(queryset) if action == VIEW else queryset.none()


def can(user, action: str, obj: Model | type[Model]) -> bool:
    """May ``user`` do ``action`` on ``obj``, or, given a model class, on that model at all."""
    model = obj if isinstance(obj, type) else type(obj)
    policy = policy_for(model)
    if action in NAMED_ACTIONS and action not in policy.actions:
        return False  # a shared action this model's policy does not decide: refused
    _check_action(action, policy)
    if model is obj:
        return _is_signed_in(user) and policy.can_model(user, action)
    if _is_signed_in(user):
        return policy.can(user, action, obj)
    same = type(obj)._default_manager.filter(pk=obj.pk)
    return action == VIEW and scope(user, VIEW, same).exists()


def can_create(user, model: type[Model]) -> bool:
    return _is_signed_in(user) and policy_for(model).can_create(user)


def get_object_or_404(user, action: str, queryset: QuerySet, **lookup) -> Model:
    """Looks the object up inside the user's scope: outside it, it does not exist (404)."""
    try:
        return scope(user, action, queryset).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404(f"No {queryset.model._meta.verbose_name} found in scope") from None
