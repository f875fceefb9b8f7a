"""``{% site_url "home" %}``: the address of a page that takes no arguments, reversed once per
process (and script prefix), not on every page: the menus name the same pages every time."""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()
_known: dict[tuple, str] = {}


@register.simple_tag
def site_url(name: str) -> str:
    key = (name, get_script_prefix(), get_urlconf())
    url = _known.get(key)
    if url is None:
        url = _known[key] = reverse(name)
    return url
