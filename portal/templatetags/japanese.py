"""Template filters for 年度 and 和暦, the one date style of the portal: a date alone with
the Western year ({{ day|wareki_date }} → 令和8年11月30日 (2026)), a deadline's day with its
weekday ({{ day|wareki_day }} → 令和8年12月1日(火)), a moment in Japan's time
({{ moment|wareki_datetime }} → 令和8年12月1日(火) 17:44); {{ 2026|fiscal_year_label }} →
令和8年度 (2026)."""

import datetime

from django import template
from django.utils import timezone

from portal.lib import japanese

register = template.Library()


def _local_date(value):
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


@register.filter
def fiscal_year(value):
    """The 年度 (a number) a date or datetime falls in."""
    if value in (None, ""):
        return ""
    return japanese.fiscal_year(_local_date(value))


@register.filter
def fiscal_year_label(value):
    """A 年度 number, or a date, as 令和8年度 (2026)."""
    if value in (None, ""):
        return ""
    if isinstance(value, datetime.date):
        value = japanese.fiscal_year(_local_date(value))
    return japanese.fiscal_year_label(int(value))


@register.filter
def wareki_year(value):
    if value in (None, ""):
        return ""
    return japanese.wareki_year(int(value))


@register.filter
def wareki_date(value):
    if value in (None, ""):
        return ""
    return japanese.wareki_date(_local_date(value))


@register.filter
def wareki_day(value):
    """A deadline's or a meeting's day: 令和8年12月1日(火)."""
    if value in (None, ""):
        return ""
    return japanese.wareki_day(_local_date(value))


@register.filter
def wareki_datetime(value):
    """A moment (a deadline, a meeting's start, a change) in Japan's time:
    令和8年12月1日(火) 17:44."""
    if value in (None, ""):
        return ""
    return japanese.wareki_datetime(value)
