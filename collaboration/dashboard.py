"""Dashboard parts from the initiatives: participation, the network, trends by year."""

import math
from decimal import Decimal

from django.db.models import Count
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy

from portal.lib.charts import bar_chart
from portal.lib.dashboard import Measure, Panel
from portal.lib.markup import escape
from portal.lib.tilemap import TILE, grid_size, tile_origin
from portal.models import Municipality
from portal.templatetags.figures import localized_number

from . import selectors
from .models import Initiative, Theme
from .network import strongest_links
from .themes import chain

NETWORK_EDGES = 40


def participation(user) -> dict:
    visible = selectors.visible_initiatives(user).order_by().values("pk")
    rows = Initiative.municipalities.through.objects.filter(initiative__in=visible).values_list(
        "municipality__lg_code").annotate(n=Count("initiative_id"))
    return {code: Decimal(n) for code, n in rows}


def network(user) -> dict:
    """Pairs of municipalities that share initiatives, strongest first, placed on the tiles.
    Prefecture-wide initiatives (everyone with everyone) are left out: they link nothing."""
    strongest = strongest_links(selectors.visible_initiatives(user), NETWORK_EDGES)
    places = {m.lg_code: m for m in Municipality.objects.all()}

    def centre(code):
        x, y = tile_origin(places[code])
        return x + TILE / 2, y + TILE / 2

    top = strongest[0][2] if strongest else 1
    edges = [{"a": places[a], "b": places[b], "count": n,
              "x1": centre(a)[0], "y1": centre(a)[1], "x2": centre(b)[0], "y2": centre(b)[1],
              "width": round(1 + 5 * math.sqrt(n / top), 1)} for a, b, n in strongest]
    nodes = [{"m": m, "x": centre(m.lg_code)[0], "y": centre(m.lg_code)[1]}
             for m in places.values()]
    width, height = grid_size(places.values())
    return {"edges": edges, "nodes": nodes, "width": width, "height": height,
            "drawing": _drawing(edges, nodes), "table_rows": _table_rows(edges)}


def _drawing(edges, nodes) -> SafeString:
    """The network's lines and labelled points as SVG, built here: some five hundred
    coordinates were most of the dashboard's drawing in the template."""
    lines = "".join(
        f'<line x1="{e["x1"]}" y1="{e["y1"]}" x2="{e["x2"]}" y2="{e["y2"]}" stroke="#2f66b0" '
        f'stroke-opacity="0.55" stroke-width="{e["width"]}"></line>' for e in edges)
    points = "".join(
        f'<circle cx="{n["x"]}" cy="{n["y"]}" r="5" fill="#123a73"></circle><text x="{n["x"]}" '
        f'y="{int(n["y"]) - 8}" text-anchor="middle" font-size="10" fill="#1a1a1c">'
        f'{escape(n["m"].name)}</text>' for n in nodes)
    return mark_safe(f"{lines}\n    {points}")  # numbers and escaped names


def _table_rows(edges) -> SafeString:
    """A ``<tr>`` per link (the two municipalities and their shared initiatives), as the
    template's loop wrote them (tests/collaboration/test_dashboard.py compares the two)."""
    return mark_safe("".join(  # each part escaped as written
        f'<tr><td>{escape(e["a"].name)}</td><td>{escape(e["b"].name)}</td>'
        f'<td class="num">{localized_number(e["count"])}</td></tr>' for e in edges))


def trend_chart(years: list[int], totals: list[int]):
    """Initiatives started per fiscal year: the same chart on the dashboard and in the
    annual report."""
    if not years:
        return None
    return bar_chart([(str(year), Decimal(total), "bar--actual")
                      for year, total in zip(years, totals, strict=True)],
                     title=str(gettext_lazy("Initiatives started by fiscal year")), unit="件")


def trends(user) -> dict:
    trend = selectors.start_year_trend(selectors.visible_initiatives(user), whole_scope=True)
    return {**trend, "chart": trend_chart(trend["years"], trend["totals"])}


PARTICIPATION = Measure("initiatives", gettext_lazy("Initiatives taken part in"), "件",
                        participation, selectors.TOPICS, reads=(Initiative,))
NETWORK = Panel("collaboration/_dashboard_network.html",
                lambda user: {"network": network(user)}, selectors.TOPICS, reads=(Initiative,))
TRENDS = Panel("collaboration/_dashboard_trends.html",
               lambda user: {"trends": trends(user)}, selectors.TOPICS, reads=(Initiative,))


def theme_chain(user) -> dict:
    """The themes' chain at a glance: by status, and survey needs → themes → initiatives →
    spreads."""
    return {"chain": chain(user)}


THEME_CHAIN = Panel("collaboration/themes/_dashboard_chain.html", theme_chain, selectors.TOPICS,
                    reads=(Theme, Initiative))
