"""The tile map draws the same SVG as the template did with a variable per attribute."""

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from portal.lib.tilemap import LegendEntry, Tile, TileMap, linked_to_catalogue, region_tile_map
from portal.models import Municipality

# The tiles as the template wrote them before they were built in Python.
TEMPLATE_DRAWN_TILES = """    {% for tile in map.tiles %}
    <a href="{{ tile.url }}" class="tile {{ tile.css_class }}" aria-label="{{ tile.description }}">
      <title>{{ tile.description }}</title>
      <rect x="{{ tile.x }}" y="{{ tile.y }}" width="{{ map.tile_size }}" height="{{ map.tile_size }}" rx="4"></rect>
      <text x="{{ tile.text_x }}" y="{{ tile.text_y }}" text-anchor="middle" aria-hidden="true">{{ tile.name }}</text>
    </a>
    {% endfor %}
"""  # noqa: E501


def _drawn_by_template(tile_map) -> str:
    return engines["django"].from_string(TEMPLATE_DRAWN_TILES).render({"map": tile_map})


@pytest.mark.parametrize("count", [0, 1, 35])
@pytest.mark.parametrize("language", ["ja", "en"])
def test_tiles_are_drawn_as_the_template_drew_them(count, language):
    tiles = [Tile(lg_code=f"06{n:04d}", name=f"<村>{n}&\"", url=f"/m/?a=1&b={n}",
                  x=2 + 60 * (n % 7), y=2 + 60 * (n // 7) + 1000 * (n == 3),
                  css_class=f"tile--scale-{n % 5}", description=f"{n}: 'quoted' & <b>")
             for n in range(count)]
    tile_map = TileMap(title="地図", tiles=tiles, legend=[], width=500, height=400,
                       tile_size=56 + count)
    with translation.override(language):
        assert "    " + tile_map.tiles_markup + "\n" == _drawn_by_template(tile_map)


@pytest.mark.django_db
def test_a_region_map_and_its_public_links_draw_as_before():
    municipalities = list(Municipality.objects.select_related("region").order_by("lg_code"))
    assert len(municipalities) == 35
    for tile_map in (region_tile_map(municipalities),
                     linked_to_catalogue(region_tile_map(municipalities))):
        with translation.override("ja"):
            page = render_to_string("portal/_tilemap.html", {"map": tile_map, "id": "m"})
            expected = _drawn_by_template(tile_map)
        assert expected in page
        assert page.count("<rect ") == 35 + len(tile_map.legend)


# The legend as the template wrote it before its entries were written in Python.
TEMPLATE_DRAWN_LEGEND = """{% load i18n %}      {% for entry in map.legend %}
      <li><svg width="14" height="14" aria-hidden="true" focusable="false" class="{{ entry.css_class }}"><rect width="14" height="14" rx="2"></rect></svg> {{ entry.label }} ({% blocktranslate count counter=entry.count %}{{ counter }} municipality{% plural %}{{ counter }} municipalities{% endblocktranslate %})</li>
      {% endfor %}"""  # noqa: E501


@pytest.mark.parametrize("language", ["ja", "en"])
def test_the_legend_is_written_as_the_template_wrote_it(language):
    legend = [LegendEntry(f"tile--state-{n}", f"<状態>{n}&\"'", count)
              for n, count in enumerate((0, 1, 2, 35, 1234))]
    for entries in ([], legend[:1], legend):
        tile_map = TileMap(title="地図", tiles=[], legend=entries, width=5, height=4)
        with translation.override(language):
            expected = engines["django"].from_string(TEMPLATE_DRAWN_LEGEND).render(
                {"map": tile_map})
            assert "      " + tile_map.legend_markup == expected
    assert "&lt;状態&gt;4&amp;&quot;&#x27;" in tile_map.legend_markup
