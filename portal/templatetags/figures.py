from django import template
from django.conf import settings
from django.utils.formats import localize
from django.utils.html import format_html_join

from portal.statistics import format_figure

register = template.Library()


@register.filter
def figure(value, indicator):
    """{{ value|figure:"ageing_rate" }} → 37.2%"""
    return format_figure(indicator, value)


def localized_number(value) -> str:
    """``value`` as a template writes it (``localize``), quicker for a whole number."""
    # A whole number without thousands separators is its digits (what localize returns).
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)
    return localize(value)


@register.filter(is_safe=True)
def number_cells(values):
    """{{ counts|number_cells }}: a right-aligned cell per count, as ``{% for n in counts %}
    <td class="num">{{ n }}</td>{% endfor %}`` writes them, in one go: a survey's results
    have over a thousand."""
    return format_html_join("", '<td class="num">{}</td>', ((localized_number(n),) for n in values))
