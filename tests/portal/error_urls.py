"""The portal's URLs plus pages that fail on purpose, for the error-page tests."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import OperationalError
from django.urls import path

from portal.errors import TooManyRequests
from portal.urls import handler400, handler403, handler404, handler500  # noqa: F401
from portal.urls import urlpatterns as portal_urlpatterns


def failing(exception):
    def view(request):
        raise exception

    return view


urlpatterns = [
    path("test-errors/bad-request/", failing(SuspiciousOperation("a forged header"))),
    path("test-errors/forbidden/", failing(PermissionDenied())),
    path("test-errors/throttled/", failing(TooManyRequests(retry_after=90))),
    path("test-errors/broken/", failing(RuntimeError("a bug"))),
    # Only for drawing the 503 page; tests/portal/test_database_outage.py loses a real one.
    path("test-errors/database/", failing(OperationalError("the server is restarting"))),
    *portal_urlpatterns,
]
