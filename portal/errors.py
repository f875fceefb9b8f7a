"""The portal's own error pages (400, 403, 404, 429, 500, 503), in the portal's layout.

400, 500 and 503 are drawn from ``errors/plain.html``, which reads neither the user nor the
session: they must render when the database is the thing that failed.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

# What a lost or refused database connection raises; Django reconnects on a later request.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)
# A PostgreSQL restart takes seconds; asking for half a minute spares it a stampede.
DATABASE_RETRY_AFTER_SECONDS = 30


class TooManyRequests(Exception):
    """Raised by a view that throttles; answered with the 429 page and Retry-After."""

    def __init__(self, retry_after: int):
        super().__init__(f"retry after {retry_after}s")
        self.retry_after = retry_after


def _plain(request, template: str, status: int, context: dict | None = None) -> HttpResponse:
    # No RequestContext: its context processors would read the session and the user.
    # One leading slash: "//host/..." would be a link to another site.
    path = "/" + request.get_full_path().lstrip("/")
    body = render_to_string(template, {
        "DEMO_MODE": settings.DEMO_MODE, "path": path, **(context or {})})
    return HttpResponse(body, status=status)


def bad_request(request, exception=None):
    return _plain(request, "400.html", 400)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    return _plain(request, "403_csrf.html", 403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def too_many_requests(request, retry_after: int) -> HttpResponse:
    minutes = max(1, -(-retry_after // 60))
    response = render(request, "429.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(retry_after)
    return response


def service_unavailable(request, retry_after: int = DATABASE_RETRY_AFTER_SECONDS):
    response = _plain(request, "503.html", 503, {"seconds": retry_after})
    response["Retry-After"] = str(retry_after)
    add_never_cache_headers(response)
    return response


def server_error(request):
    # Reached for errors outside a view too (a middleware, saving the session), where
    # DatabaseUnavailableMiddleware cannot see them.
    if isinstance(sys.exc_info()[1], DATABASE_UNAVAILABLE):
        return service_unavailable(request)
    return _plain(request, "500.html", 500)
