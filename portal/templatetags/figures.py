from django import template

from portal.statistics import format_figure

register = template.Library()


@register.filter
def figure(value, indicator):
    """{{ value|figure:"ageing_rate" }} → 37.2%"""
    return format_figure(indicator, value)
