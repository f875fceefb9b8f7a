"""The bar chart draws the same SVG as the template did with ``floatformat`` per attribute."""

import random
from decimal import Decimal

import pytest
from django.template import engines
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils import translation

from portal.lib.charts import bar_chart, coordinate

# The drawing as the template wrote it before bars were built in Python.
TEMPLATE_DRAWN_BARS = """{% load l10n %}{% localize off %}{% for bar in chart.bars %}
    <g class="{{ bar.css_class }}">
      <title>{{ bar.value_text }}</title>
      <rect x="{{ bar.x|floatformat:1 }}" y="{{ bar.y|floatformat:1 }}" width="{{ bar.width|floatformat:1 }}" height="{{ bar.height|floatformat:1 }}" fill="{{ bar.fill }}"></rect>
      <text x="{{ bar.label_x|floatformat:1 }}" y="{{ chart.label_y }}" text-anchor="middle" class="chart__label" font-size="11" fill="#4d4d52">{{ bar.label }}</text>
    </g>
    {% endfor %}{% endlocalize %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["ja", "en"])
def test_coordinates_round_as_floatformat_does(language):
    rng = random.Random(7)
    values = [rng.uniform(0, 800) for _ in range(20_000)]
    values += [n / 20 for n in range(4_000)] + [0.0, 0.05, 0.25, 2.675, 999.95, 1e-9]
    with translation.override(language):
        assert [coordinate(v) for v in values] == [floatformat(v, 1) for v in values]


@pytest.mark.parametrize("count", [0, 1, 7, 13])
def test_bars_are_drawn_as_the_template_drew_them(count):
    chart = bar_chart([(f"<選択肢>{n}&", Decimal(n * 3 + 1) / Decimal(7),
                        "bar--projected" if n % 2 else "bar--actual") for n in range(count)],
                      title="件数", unit="件", height=197)
    expected = engines["django"].from_string(TEMPLATE_DRAWN_BARS).render({"chart": chart})
    with translation.override("ja"):
        assert chart.bars_markup == expected
        page = render_to_string("portal/_bar_chart.html", {"chart": chart, "id": "c"})
    assert page.count("<rect ") == count
    assert "&lt;選択肢&gt;" in page or count == 0


# The grid as the template wrote it before the ticks were built in Python.
TEMPLATE_DRAWN_TICKS = """{% load l10n %}{% localize off %}    {% for tick in chart.ticks %}
    <line x1="{{ chart.left }}" x2="{{ chart.width }}" y1="{{ tick.y }}" y2="{{ tick.y }}" class="chart__grid" stroke="#c9ccd3" stroke-width="1"></line>
    <text x="{{ chart.tick_x }}" y="{{ tick.text_y }}" text-anchor="end" class="chart__tick" font-size="11" fill="#4d4d52">{{ tick.label }}</text>
    {% endfor %}{% endlocalize %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("highest", [Decimal(0), Decimal(3), Decimal("12345.5"), Decimal(7) / 3])
def test_ticks_are_drawn_as_the_template_drew_them(language, highest):
    with translation.override(language):
        chart = bar_chart([("a", highest, "bar--actual"), ("b", Decimal(1), "bar--actual")],
                          title="件数", unit="件", height=203)
        expected = engines["django"].from_string(TEMPLATE_DRAWN_TICKS).render({"chart": chart})
        assert "    " + chart.ticks_markup == expected


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("legend", ["", "濃い棒は<実績>"])
def test_the_figure_is_drawn_as_its_template_draws_it(language, legend):
    from portal.lib.charts import figure

    chart = bar_chart([("<a>", Decimal(3), "bar--actual"),
                       ("b&", Decimal("1.5"), "bar--projected")],
                      title="件数 <&>", unit="件", width=1200)
    with translation.override(language):
        expected = render_to_string("portal/_bar_chart.html",
                                    {"chart": chart, "id": "12-chart", "legend": legend})
        assert figure(chart, "12-chart", legend) == expected


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_charts_numbers_are_written_as_number_format_writes_them(language):
    from django.utils.formats import number_format

    from portal.lib.charts import _grouped_numbers

    values = [Decimal(0), Decimal(7), Decimal("1.5"), Decimal("999.95"), Decimal(1234),
              Decimal("12345.678"), Decimal(-4321), Decimal(10) ** 7, Decimal(7) / 3]
    with translation.override(language):
        grouped = _grouped_numbers()
        for value in values:
            for decimals in (None, 0, 1):
                assert grouped(value, decimals) == number_format(
                    value, decimal_pos=decimals, force_grouping=True)
