"""The results write their numbers as Django's formats do, in every language and with or
without thousands separators: the short cuts for whole numbers (``results_markup._number``,
the charts' ``_grouped_numbers``) and the number answers' formats looked up once."""

from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import numberformat, translation
from django.utils.formats import get_format, localize

from portal.lib.charts import _grouped_numbers
from portal.lib.markup import escape
from portal.templatetags.figures import localized_number
from surveys.results_markup import _localizer, _number

WHOLE = [*range(-1500, 1500, 7), 999, 1000, -999, -1000, 12_345_678]
DECIMALS = [Decimal(n) for n in WHOLE] + [Decimal(n) / 4 for n in range(-900, 4400, 11)] + [
    Decimal("-0"), Decimal("0.0"), Decimal("5.00"), Decimal("17.5"), Decimal("1234.50")]


@pytest.mark.parametrize("language", ["ja", "en", "de", "hi"])
@pytest.mark.parametrize("separators", [False, True])
def test_numbers_are_written_as_localize_writes_them(language, separators):
    with override_settings(USE_THOUSAND_SEPARATOR=separators), translation.override(language):
        assert [_number(n) for n in WHOLE] == [escape(localized_number(n)) for n in WHOLE]
        localized = _localizer()
        assert [localized(v) for v in DECIMALS] == [escape(localize(v)) for v in DECIMALS]


@pytest.mark.parametrize("language", ["ja", "en", "de", "hi"])
def test_chart_numbers_are_grouped_as_number_format_groups_them(language):
    with translation.override(language):
        grouped = _grouped_numbers()
        formats = [get_format(name, language, use_l10n=True) for name in (
            "DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR")]
        for places in (None, 0, 1):
            values = DECIMALS + [v * Decimal("0.5") for v in DECIMALS]
            assert [grouped(v, decimal_pos=places) for v in values] == [numberformat.format(
                v, formats[0], places, formats[1], formats[2], force_grouping=True,
                use_l10n=True) for v in values]
