import logging

from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from . import errors

logger = logging.getLogger(__name__)


class JapaneseFirstLocaleMiddleware:
    """Japanese for everyone unless the user picked another language with the switcher.

    Unlike LocaleMiddleware it ignores the browser's Accept-Language, so an English-language
    browser on a government PC still sees the Japanese portal by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response


class ContentSecurityPolicyMiddleware:
    """Sends the portal's Content-Security-Policy unless a view set a stricter one itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


class QueryCountMiddleware:
    """Adds X-Query-Count to each response; on only when PORTAL_COUNT_QUERIES is set, for the
    benchmark to read how many SQL queries a page took on the production-shaped server."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.db import connection

        count = 0

        def counted(execute, sql, params, many, context):
            nonlocal count
            count += 1
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            response = self.get_response(request)
        response["X-Query-Count"] = str(count)
        return response


class ErrorPagesMiddleware:
    """A lost database connection becomes the 503 page, a throttled request the 429 page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, errors.DATABASE_UNAVAILABLE):
            logger.warning("Database unavailable for %s: %s", request.path, exception)
            return errors.service_unavailable(request)
        if isinstance(exception, errors.TooManyRequests):
            return errors.too_many_requests(request, exception.retry_after)
        return None
