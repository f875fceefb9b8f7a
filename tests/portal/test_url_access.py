"""Every URL of the project declares who may use it; a new page cannot ship unguarded."""

from django.urls import URLPattern, URLResolver, get_resolver

from portal.lib.permissions import Rule

# The admin guards itself (staff login) and asks our policies through PortalModelAdmin.
SELF_GUARDED_NAMESPACES = {"admin"}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern),
                            pattern.namespace or namespace)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern.callback, namespace, pattern.name


def test_every_url_declares_an_access_rule():
    unguarded = []
    seen = 0
    for route, callback, namespace, _name in walk(get_resolver().url_patterns):
        if namespace in SELF_GUARDED_NAMESPACES:
            continue
        seen += 1
        if not isinstance(getattr(callback, "access_rule", None), Rule):
            unguarded.append(route)
    assert seen >= 8
    assert unguarded == []


def test_the_walk_notices_an_unguarded_view():
    from django.urls import path

    def naked(request):
        raise AssertionError

    patterns = [path("naked/", naked)]
    assert [route for route, callback, _ns, _name in walk(patterns)
            if not hasattr(callback, "access_rule")] == ["naked/"]
