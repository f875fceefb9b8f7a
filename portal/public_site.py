"""The public site: whether it is on, who may open its pages, and its shared pages.

Prefecture staff turn it on (``public_site_set``). While it is off, an anonymous visitor of
any of its pages is sent to the login page, and the policies' public scopes are empty. Its
pages are built once for every anonymous visitor alike (``shared_for_anonymous``); signed-in
users get the portal's own pages, unchanged.
"""

import re
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse

from .lib import caching, permissions
from .lib.permissions import Rule
from .models import SiteSettings

# Pages about published initiatives change with the initiatives, the framework, the
# reference data and the switch itself.
TOPICS = ("initiatives", "reference", "site")


def is_on() -> bool:
    return SiteSettings.objects.filter(pk=1, public_site=True).exists()


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
