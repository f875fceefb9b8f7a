"""年度 (April–March) and 和暦 (era years), always shown with the Western year alongside."""

import datetime
import functools

from django.utils.translation import get_language, gettext_noop, pgettext
from django.utils.translation import gettext as _

# Start date and name of each era, newest first; the names are translated (令和, 平成, 昭和).
ERAS = (
    (datetime.date(2019, 5, 1), gettext_noop("Reiwa")),
    (datetime.date(1989, 1, 8), gettext_noop("Heisei")),
    (datetime.date(1926, 12, 25), gettext_noop("Showa")),
)


def fiscal_year(day: datetime.date) -> int:
    """The 年度 a day falls in, named by the calendar year in which it starts (1 April)."""
    return day.year if day.month >= 4 else day.year - 1


def fiscal_year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 4, 1), datetime.date(year + 1, 3, 31)


def _era_of_day(day: datetime.date):
    for start, name in ERAS:
        if day >= start:
            return name, day.year - start.year + 1
    return None


def _era_of_year(year: int):
    # A year (or 年度) takes the era that began in it: 2019 is 令和元年, 2019年度 is 令和元年度.
    for start, name in ERAS:
        if year >= start.year:
            return name, year - start.year + 1
    return None


def _era_parts(era) -> dict:
    name, number = era
    era_year = pgettext("first year of an era", "1") if number == 1 else str(number)
    return {"era": _(name), "era_year": era_year}


def fiscal_year_label(year: int) -> str:
    """2026 → 令和8年度 (2026)."""
    era = _era_of_year(year)
    if era is None:
        return _("FY%(year)s") % {"year": year}
    return _("FY%(year)s (%(era)s %(era_year)s)") % {"year": year, **_era_parts(era)}


def wareki_year(year: int) -> str:
    """2026 → 令和8年 (2026)."""
    era = _era_of_year(year)
    if era is None:
        return str(year)
    return _("%(year)s (%(era)s %(era_year)s)") % {"year": year, **_era_parts(era)}


def wareki_date(day: datetime.date) -> str:
    """2026-11-27 → 令和8年11月27日 (2026)."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    era = _era_of_day(day)
    parts = {"year": day.year, "month": day.month, "day": day.day}
    if era is None:
        return _("%(year)s/%(month)s/%(day)s") % parts
    return _("%(year)s/%(month)s/%(day)s (%(era)s %(era_year)s)") % {**parts, **_era_parts(era)}


def _day_parts(day: datetime.date) -> dict:
    return dict(_day_parts_in(day, get_language()))


# A board or a history lists the same few days many times, each naming its era and weekday
# through four translations; the names depend on the day and the language only.
@functools.lru_cache(maxsize=2048)
def _day_parts_in(day: datetime.date, language: str | None) -> tuple:
    from django.utils.dates import WEEKDAYS_ABBR

    era = _era_of_day(day)
    parts = {"year": day.year, "month": day.month, "day": day.day,
             "weekday": str(WEEKDAYS_ABBR[day.weekday()])}
    named = {**parts, **_era_parts(era)} if era else {**parts, "era": "", "era_year": day.year}
    return tuple(named.items())


def wareki_day(day: datetime.date) -> str:
    """A deadline's day, with its weekday: 2026-12-01 → 令和8年12月1日(火)."""
    if isinstance(day, datetime.datetime):
        day = day.date()
    # The Japanese form adds the era, which the English one leaves out.
    # xgettext:no-python-format
    return _("%(weekday)s %(year)s/%(month)s/%(day)s") % _day_parts(day)


def wareki_datetime(moment: datetime.datetime) -> str:
    """A moment in Japan's time, with its weekday: 令和8年12月1日(火) 17:44."""
    from django.utils import timezone

    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    # xgettext:no-python-format
    return _("%(weekday)s %(year)s/%(month)s/%(day)s %(time)s") % {
        **_day_parts(moment.date()), "time": f"{moment.hour:02d}:{moment.minute:02d}"}
