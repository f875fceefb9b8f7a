import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from portal.lib.japanese import (
    fiscal_year,
    fiscal_year_bounds,
    fiscal_year_label,
    wareki_date,
    wareki_year,
)


@pytest.mark.parametrize("day, year", [
    (datetime.date(2026, 3, 31), 2025),
    (datetime.date(2026, 4, 1), 2026),
    (datetime.date(2026, 12, 31), 2026),
    (datetime.date(2027, 1, 1), 2026),
])
def test_fiscal_year_runs_from_april_to_march(day, year):
    assert fiscal_year(day) == year


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2026) == (datetime.date(2026, 4, 1), datetime.date(2027, 3, 31))


@pytest.mark.parametrize("year, label", [
    (2026, "令和8年度 (2026)"),
    (2019, "令和元年度 (2019)"),
    (2018, "平成30年度 (2018)"),
    (1989, "平成元年度 (1989)"),
])
def test_fiscal_year_label_in_japanese(year, label):
    with translation.override("ja"):
        assert fiscal_year_label(year) == label


def test_fiscal_year_label_in_english():
    with translation.override("en"):
        assert fiscal_year_label(2026) == "FY2026 (Reiwa 8)"


@pytest.mark.parametrize("day, label", [
    (datetime.date(2026, 11, 27), "令和8年11月27日 (2026)"),
    (datetime.date(2019, 4, 30), "平成31年4月30日 (2019)"),
    (datetime.date(2019, 5, 1), "令和元年5月1日 (2019)"),
])
def test_wareki_date_follows_the_day_the_era_changed(day, label):
    with translation.override("ja"):
        assert wareki_date(day) == label


def test_wareki_year():
    with translation.override("ja"):
        assert wareki_year(2025) == "令和7年 (2025)"


def test_template_filters_render_fiscal_years_from_dates_and_numbers():
    template = Template("{% load japanese %}{{ day|fiscal_year_label }}"
                        "|{{ 2026|fiscal_year_label }}|{{ moment|fiscal_year }}"
                        "|{{ day|wareki_date }}")
    # 2027-03-31 23:30 in Tokyo is still 2026年度, though it is 14:30 UTC.
    moment = datetime.datetime(2027, 3, 31, 14, 30, tzinfo=datetime.UTC)
    with translation.override("ja"):
        text = template.render(Context({"day": datetime.date(2027, 3, 31), "moment": moment}))
    assert text == "令和8年度 (2026)|令和8年度 (2026)|2026|令和9年3月31日 (2027)"


def test_a_deadlines_day_carries_its_weekday():
    from portal.lib.japanese import wareki_day

    with translation.override("ja"):
        assert wareki_day(datetime.date(2026, 12, 1)) == "令和8年12月1日(火)"
        assert wareki_day(datetime.date(2019, 5, 1)) == "令和元年5月1日(水)"


def test_a_moment_is_shown_in_japans_time_with_its_weekday():
    from portal.lib.japanese import wareki_datetime

    moment = datetime.datetime(2026, 12, 1, 8, 44, tzinfo=datetime.UTC)
    with translation.override("ja"):
        assert wareki_datetime(moment) == "令和8年12月1日(火) 17:44"
        # 23:30 UTC is already the next day in Japan.
        late = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)
        assert wareki_datetime(late) == "令和8年12月1日(火) 08:30"
    with translation.override("en"):
        assert wareki_datetime(moment) == "Tue 2026/12/1 17:44"


def test_a_day_named_in_one_language_is_named_afresh_in_the_other():
    from portal.lib.japanese import wareki_datetime, wareki_day

    day, moment = datetime.date(2026, 12, 1), datetime.datetime(2026, 12, 1, 0, 5,
                                                                tzinfo=datetime.UTC)
    for _round in range(2):  # the second round reads the kept names
        with translation.override("en"):
            assert wareki_day(day) == "Tue 2026/12/1"
            assert wareki_datetime(moment) == "Tue 2026/12/1 09:05"
        with translation.override("ja"):
            assert wareki_day(day) == "令和8年12月1日(火)"
            assert wareki_datetime(moment) == "令和8年12月1日(火) 09:05"
