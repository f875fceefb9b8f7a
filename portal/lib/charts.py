"""Small server-side SVG charts; the geometry is computed here, templates only draw it."""

import functools
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat
from django.utils.formats import get_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from .markup import escape

# Colours also written as SVG attributes, so a PDF renderer without the style sheet draws the
# same chart as the browser.
FILLS = {"bar--actual": "#00418f", "bar--projected": "#7d9cc9"}


_TENTH = Decimal("0.1")


# Bars of charts with as many bars stand at the same places: most coordinates recur.
@functools.lru_cache(maxsize=4096)
def coordinate(value: float) -> str:
    """``value`` to one decimal, rounded half up as ``floatformat:1`` does, but never
    localised: SVG wants a full stop whatever the language, and this is much quicker."""
    return str(Decimal(repr(value)).quantize(_TENTH, ROUND_HALF_UP))


@functools.lru_cache(maxsize=64)
def _escaped(name: str) -> str:
    # A bar's class and colour are one of a few names.
    return escape(name)


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    x: float
    y: float
    width: float
    height: float
    css_class: str

    @property
    def fill(self) -> str:
        return FILLS.get(self.css_class, "#00418f")

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    def markup(self, label_y: float) -> str:
        """The bar's SVG group, built here: a results page draws over a hundred bars, and
        ``floatformat`` on each coordinate in the template was most of its rendering. Each
        value is escaped as ``format_html`` escaped it."""
        return (f'\n    <g class="{_escaped(self.css_class)}">\n      <title>'
                f'{escape(self.value_text)}</title>\n      <rect x="{coordinate(self.x)}" '
                f'y="{coordinate(self.y)}" width="{coordinate(self.width)}" '
                f'height="{coordinate(self.height)}" fill="{_escaped(self.fill)}"></rect>\n      '
                f'<text x="{coordinate(self.x + self.width / 2)}" y="{label_y}" '
                f'text-anchor="middle" class="chart__label" font-size="11" fill="#4d4d52">'
                f'{escape(self.label)}</text>\n    </g>\n    ')


@dataclass(frozen=True)
class Tick:
    y: float
    label: str

    @property
    def text_y(self) -> float:
        return self.y + 4


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    ticks: list[Tick]
    width: int
    height: int
    baseline: float
    left: int

    @property
    def tick_x(self) -> int:
        return self.left - 6

    @property
    def label_y(self) -> float:
        return self.baseline + 18

    @property
    def ticks_markup(self) -> SafeString:
        # The grid lines and their labels, built here as the bars are (``Bar.markup``).
        return mark_safe("".join(
            f'\n    <line x1="{self.left}" x2="{self.width}" y1="{tick.y}" y2="{tick.y}" '
            f'class="chart__grid" stroke="#c9ccd3" stroke-width="1"></line>\n    <text '
            f'x="{self.tick_x}" y="{tick.text_y}" text-anchor="end" class="chart__tick" '
            f'font-size="11" fill="#4d4d52">{escape(tick.label)}</text>\n    '
            for tick in self.ticks))

    @property
    def bars_markup(self) -> SafeString:
        label_y = self.label_y
        # Each part was escaped by Bar.markup.
        return mark_safe("".join(bar.markup(label_y) for bar in self.bars))


def _grouped_numbers():
    """``number_format(value, decimal_pos, force_grouping=True)`` with the language's formats
    looked up once, not for each of a chart's numbers."""
    language = get_language()
    decimal, grouping, thousands = (get_format(name, language, use_l10n=True) for name in (
        "DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"))

    def grouped(value, decimal_pos=None):
        # A whole number below a thousand is its digits in every language (most bars).
        if type(value) is Decimal and -1000 < value < 1000:
            if decimal_pos is None and value.as_tuple().exponent == 0:
                return str(value)
            if decimal_pos == 0 and value == value.to_integral_value():
                return str(int(value))
        return numberformat.format(value, decimal, decimal_pos, grouping, thousands,
                                   force_grouping=True, use_l10n=True)

    return grouped


def _tick_label(value: Decimal, grouped=None) -> str:
    # Half of a small whole maximum (3 → 1.5) keeps its decimal, so the axis does not lie.
    decimals = 0 if value == value.to_integral_value() or value >= 100 else 1
    return (grouped or _grouped_numbers())(value, decimal_pos=decimals)


def bar_chart(points: list[tuple[str, Decimal, str]], *, title: str, unit: str,
              width: int = 560, height: int = 220) -> BarChart:
    """``points`` are (label, value, css class); bars share one scale starting at zero."""
    left, right, top, bottom = 64, 8, 12, 28
    plot_width, plot_height = width - left - right, height - top - bottom
    highest = max((value for _label, value, _css in points), default=Decimal(0)) or Decimal(1)
    slot = plot_width / max(len(points), 1)
    grouped = _grouped_numbers()
    bars = []
    for index, (label, value, css_class) in enumerate(points):
        bar_height = float(value / highest) * plot_height
        bars.append(Bar(
            label=label,
            value_text=f"{label}: {grouped(value)}{unit}",
            x=left + index * slot + slot * 0.15,
            y=top + plot_height - bar_height,
            width=slot * 0.7,
            height=bar_height,
            css_class=css_class,
        ))
    ticks = [
        Tick(top + plot_height * (1 - share), _tick_label(highest * Decimal(str(share)), grouped))
        for share in (1, 0.5, 0)
    ]
    return BarChart(title=title, bars=bars, ticks=ticks, width=width, height=height,
                    baseline=top + plot_height, left=left)


def figure(chart: BarChart, chart_id: str, legend: str = "") -> SafeString:
    """The chart as ``portal/_bar_chart.html`` draws it (byte for byte, see
    tests/portal/test_charts.py), for pages that draw many: a survey's results have dozens."""
    caption_id = escape(f"{chart_id}-caption")
    legend = f" — {escape(legend)}" if legend else ""
    return mark_safe(
        f'\n<figure class="chart" aria-labelledby="{caption_id}">\n  <svg xmlns="http://www.w3.org/'
        f'2000/svg" viewBox="0 0 {chart.width} {chart.height}" role="img" aria-labelledby='
        f'"{caption_id}" class="chart__svg" font-family="IPAexGothic, sans-serif">\n    '
        f'{chart.ticks_markup}\n    {chart.bars_markup}\n  </svg>\n  <figcaption id="{caption_id}">'
        f'{escape(chart.title)}{legend}</figcaption>\n</figure>\n')
