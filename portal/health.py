"""/healthz: is the database reachable, and Redis when the portal is configured to use it;
whether PDFs can be drawn in Japanese (a warning in the detail, the portal is still up).
/robots.txt: the smallest page the server answers, which the benchmark uses as its floor.
/favicon.ico: the icon browsers ask for at the root whatever the page links to."""

from functools import cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import cache_control, never_cache

from .checks import SUMMARIES, pdf_font_warnings
from .lib.permissions import PUBLIC, access


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down"; the class name says which
        return f"down ({type(error).__name__})"
    return "ok"


def _redis() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    try:
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1,
                                      socket_timeout=1)
        client.ping()
    except redis.RedisError as error:
        return f"down ({type(error).__name__})"
    return "ok"


def _pdf_font() -> str:
    # Public: the ids and the gist, not the server's paths; `manage.py check` gives the rest.
    warnings = pdf_font_warnings()
    return "; ".join(f"warning ({w.id}): {SUMMARIES[w.id]}; manage.py check names the fix"
                     for w in warnings) or "ok"


@never_cache
@access(PUBLIC)
def healthz(request):
    checks = {"database": _database(), "redis": _redis()}
    down = sorted(name for name, state in checks.items() if state.startswith("down"))
    status = 503 if down else 200
    return JsonResponse({"status": "down" if down else "ok", "down": down, **checks,
                         "pdf_font": _pdf_font()}, status=status)


@access(PUBLIC)
def robots_txt(request):
    # A portal for staff on a closed network: nothing in it is for search engines.
    return HttpResponse("User-agent: *\nDisallow: /\n", content_type="text/plain")


@cache
def _favicon() -> bytes:
    with open(finders.find("favicon.ico"), "rb") as icon:
        return icon.read()


@cache_control(public=True, max_age=60 * 60 * 24)
@access(PUBLIC)
def favicon(request):
    return HttpResponse(_favicon(), content_type="image/x-icon")
