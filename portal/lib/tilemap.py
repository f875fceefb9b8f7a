"""The 35 municipalities as a schematic tile map, drawn as SVG from the portal's own data.

A map is a list of tiles with a CSS class each (the colour lives in the style sheet, so the
page needs no inline style) plus a legend; pages pick how tiles are classified.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Municipality
from .markup import escape

TILE = 56
GAP = 4
MARGIN = 2


@dataclass(frozen=True)
class Tile:
    lg_code: str
    name: str
    url: str
    x: int
    y: int
    css_class: str
    description: str

    @property
    def text_x(self) -> int:
        return self.x + TILE // 2

    @property
    def text_y(self) -> int:
        return self.y + TILE // 2 + 4

    def markup(self, tile_size: int) -> str:
        """The tile's SVG link, built here: a page draws 35 of them, and their eleven
        template variables each were most of a board's or a dashboard's map."""
        description = escape(self.description)
        return (f'\n    <a href="{escape(self.url)}" class="tile {escape(self.css_class)}" '
                f'aria-label="{description}">\n      <title>{description}</title>\n'
                f'      <rect x="{self.x}" y="{self.y}" width="{tile_size}" '
                f'height="{tile_size}" rx="4"></rect>\n'
                f'      <text x="{self.text_x}" y="{self.text_y}" text-anchor="middle" '
                f'aria-hidden="true">{escape(self.name)}</text>\n    </a>\n    ')


@dataclass(frozen=True)
class LegendEntry:
    css_class: str
    label: str
    count: int


@dataclass(frozen=True)
class TileMap:
    title: str
    tiles: list[Tile]
    legend: list[LegendEntry]
    width: int
    height: int
    tile_size: int = TILE

    @property
    def tiles_markup(self) -> SafeString:
        # Each part was escaped as it was written.
        return mark_safe("".join(tile.markup(self.tile_size) for tile in self.tiles))

    @property
    def legend_markup(self) -> SafeString:
        """The legend's entries, as the template's loop wrote them."""
        return mark_safe("".join(  # each part escaped as written
            '\n      <li><svg width="14" height="14" aria-hidden="true" focusable="false" '
            f'class="{escape(entry.css_class)}"><rect width="14" height="14" rx="2"></rect>'
            f"</svg> {escape(entry.label)} ({escape(_municipalities(entry.count))})</li>\n      "
            for entry in self.legend))


Classifier = Callable[[Municipality], tuple[str, str]]


def _municipalities(count: int) -> str:
    return ngettext("%(counter)s municipality", "%(counter)s municipalities", count) % {
        "counter": count}


def tile_origin(municipality: Municipality) -> tuple[int, int]:
    """The top-left corner of a municipality's tile, on every picture drawn on the tiles."""
    return (MARGIN + municipality.tile_col * (TILE + GAP),
            MARGIN + municipality.tile_row * (TILE + GAP))


def grid_size(municipalities: Iterable[Municipality]) -> tuple[int, int]:
    """Width and height of the picture holding these tiles."""
    places = list(municipalities)
    step = TILE + GAP
    columns = max((m.tile_col for m in places), default=0) + 1
    rows = max((m.tile_row for m in places), default=0) + 1
    return 2 * MARGIN + columns * step - GAP, 2 * MARGIN + rows * step - GAP


def build_tile_map(municipalities: Iterable[Municipality], *, title: str,
                   classify: Classifier, legend_order: list[str] | None = None) -> TileMap:
    """``classify`` returns (css class, legend label) for a municipality. The legend follows
    ``legend_order`` (css classes) when given, else the order classes first appear in."""
    from .links import by_lg_code

    municipalities = list(municipalities)
    page_of = by_lg_code("municipality_detail")
    tiles, legend = [], {}
    for municipality in municipalities:
        css_class, label = classify(municipality)
        count = legend.get(css_class, (label, 0))[1]
        legend[css_class] = (label, count + 1)
        x, y = tile_origin(municipality)
        tiles.append(Tile(
            lg_code=municipality.lg_code,
            name=municipality.name,
            url=page_of(municipality.lg_code),
            x=x, y=y,
            css_class=css_class,
            description=_("%(name)s: %(label)s") % {"name": municipality.name, "label": label},
        ))
    entries = [LegendEntry(css, label, count) for css, (label, count) in legend.items()]
    if legend_order is not None:
        entries.sort(key=lambda entry: legend_order.index(entry.css_class))
    width, height = grid_size(municipalities)
    return TileMap(title=title, tiles=tiles, legend=entries, width=width, height=height)


def linked_to_catalogue(tile_map: TileMap) -> TileMap:
    """The same map with each tile opening the catalogue of its municipality's initiatives
    (for visitors of the public site, who do not see the municipalities' pages)."""
    from django.urls import reverse

    catalogue = reverse("initiative_list")
    return replace(tile_map, tiles=[replace(tile, url=f"{catalogue}?municipality={tile.lg_code}")
                                    for tile in tile_map.tiles])


def region_tile_map(municipalities: Iterable[Municipality]) -> TileMap:
    """Tiles coloured by region; ``municipalities`` need their region loaded."""
    ordered = sorted(municipalities, key=lambda m: (m.region.sort_order, m.lg_code))
    return build_tile_map(
        ordered,
        title=_("The 35 municipalities by region"),
        classify=lambda m: (f"tile--region-{m.region.code}", m.region.name),
    )


SCALE_STEPS = 5


def scale_tile_map(municipalities: Iterable[Municipality], values: dict[str, Decimal], *,
                   title: str, unit: str) -> TileMap:
    """Tiles shaded darker for higher ``values`` (keyed by 団体コード), in up to five steps
    holding about the same number of municipalities each; with five values or fewer, one step
    for each value (34 at 0% and one at 100% are two steps, not one)."""
    known = sorted(values.values())
    distinct = sorted(set(known))
    exact = len(distinct) <= SCALE_STEPS
    edges = distinct if exact else sorted(
        {known[len(known) * step // SCALE_STEPS] for step in range(SCALE_STEPS)})

    def classify(municipality):
        value = values.get(municipality.lg_code)
        if value is None:
            return "tile--no-data", _("no data")
        step = max(index for index, edge in enumerate(edges) if value >= edge)
        shade = 1 + step * (SCALE_STEPS - 1) // max(len(edges) - 1, 1)
        low = _format(edges[step], unit)
        if exact:
            label = low
        elif step + 1 < len(edges):
            label = _("%(low)s to under %(high)s") % {"low": low,
                                                       "high": _format(edges[step + 1], unit)}
        else:
            label = _("%(low)s and over") % {"low": low}
        return f"tile--scale-{shade}", label

    ordered = sorted(municipalities, key=lambda m: (
        values.get(m.lg_code) is None, values.get(m.lg_code, Decimal(0)), m.lg_code))
    shades = [f"tile--scale-{shade}" for shade in range(1, SCALE_STEPS + 1)]
    return build_tile_map(ordered, title=title, classify=classify,
                          legend_order=[*shades, "tile--no-data"])


def _format(value: Decimal, unit: str) -> str:
    return f"{number_format(value.normalize(), force_grouping=True)}{unit}"
