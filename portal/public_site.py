"""The public site: whether it is on, who may open its pages, and its shared pages.

Prefecture staff turn it on (``public_site_set``). While it is off, an anonymous visitor of
any of its pages is sent to the login page, and the policies' public scopes are empty. Its
pages are built once for every anonymous visitor alike (``shared_for_anonymous``); signed-in
users get the portal's own pages, unchanged.
"""

import re
import threading
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import transaction
from django.http import HttpResponse

from .lib import caching, permissions
from .lib.permissions import Rule
from .models import SiteSettings

# Pages about published initiatives change with the initiatives, the framework, the
# reference data and the switch itself.
TOPICS = ("initiatives", "reference", "site")


# Whether the site is on, read once per request: its rule, the policies' public scopes and
# the page frame all ask. None outside a request (a task or a shell reads it each time).
_asked = threading.local()


def _start(**kwargs):
    _asked.on = None
    _asked.in_request = True


def _finish(**kwargs):
    _asked.on = None
    _asked.in_request = False


request_started.connect(_start, dispatch_uid="public_site_start")
request_finished.connect(_finish, dispatch_uid="public_site_finish")
got_request_exception.connect(_finish, dispatch_uid="public_site_failed")


def is_on() -> bool:
    if not getattr(_asked, "in_request", False):
        return SiteSettings.objects.filter(pk=1, public_site=True).exists()
    if _asked.on is None:
        _asked.on = SiteSettings.objects.filter(pk=1, public_site=True).exists()
    return _asked.on


class PublicSiteRule(Rule):
    """Everyone signed in; anonymous visitors too while the public site is on."""

    label = "signed in, or anyone while the public site is on"

    def allows(self, user) -> bool:
        if user.is_authenticated:
            return user.is_active
        return is_on()


PUBLIC_SITE = PublicSiteRule()


@transaction.atomic
def public_site_set(*, actor, enabled: bool) -> SiteSettings:
    """Turns the public site on or off; the change is in the audit trail."""
    current = SiteSettings.current()
    if not permissions.can(actor, permissions.CHANGE, current):
        raise PermissionDenied
    current = SiteSettings.objects.select_for_update().get(pk=current.pk)
    if current.public_site != enabled:
        current.public_site = enabled
        current.save()
    _asked.on = None  # the rest of this request reads the new value
    return current


# Headers of a kept page that say what it is, served with it again.
KEPT_HEADERS = ("Last-Modified", "Content-Disposition")
_TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]*(")')


def shared_for_anonymous(name: str):
    """Serves a GET page to every anonymous visitor from one copy per address and language,
    kept until the initiatives, the reference data or the switch change; the visitor's own CSRF
    token is put in as it is served. What the page shows an anonymous visitor is the policies'
    public scopes, which read nothing of the visitor, so the address and language are the key
    (the whole address: the API's links name the host asked).

    Put outside ``access(PUBLIC_SITE)``: a copy is kept only of a page the rule let through,
    and turning the site off bumps "site", on which every copy is keyed, so serving a kept
    copy needs no query."""

    def decorator(view):
        @wraps(view)
        def shared(request, *args, **kwargs):
            if request.user.is_authenticated or request.method != "GET" \
                    or not caching.enabled():
                return view(request, *args, **kwargs)
            built = {}

            def build():
                response = view(request, *args, **kwargs)
                if hasattr(response, "render"):  # a REST framework response
                    response.render()
                built["response"] = response
                if response.streaming or response.status_code not in (200, 400):
                    return None
                html = _TOKEN.sub(rf"\g<1>{caching.CSRF_PLACEHOLDER}\g<2>",
                                  response.content.decode(response.charset))
                kept = {header: response[header] for header in KEPT_HEADERS if header in response}
                return response.status_code, response["Content-Type"], html, kept

            kept = caching.remember(f"public:{name}", TOPICS,
                                    ("anonymous", request.LANGUAGE_CODE,
                                     request.build_absolute_uri()), build, local=True)
            if kept is None:
                return built.get("response") or view(request, *args, **kwargs)
            status, content_type, html, headers = kept
            if caching.CSRF_PLACEHOLDER in html:
                from django.middleware.csrf import get_token

                html = html.replace(caching.CSRF_PLACEHOLDER, get_token(request))
            response = HttpResponse(html, status=status, content_type=content_type)
            for header, value in headers.items():
                response[header] = value
            return response

        return shared

    return decorator
