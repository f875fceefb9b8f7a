"""The dashboard's map of one measure, with the same figures as a table; the table's rows
written in Python as the template's loop wrote them (tests/portal/test_dashboard_map.py
compares the two): 35 rows of formatted numbers were most of the map's cold build."""

from django.template.defaultfilters import floatformat
from django.utils.safestring import SafeString, mark_safe

from .lib import caching
from .lib.dashboard import Measure
from .lib.markup import escape
from .lib.tilemap import scale_tile_map
from .models import Municipality


def table_rows(rows, unit: str) -> SafeString:
    """A ``<tr>`` per (municipality, value or None)."""
    unit = escape(unit)
    return mark_safe("".join(  # each part escaped as written
        f"<tr><td>{escape(m.lg_code)}</td><td>{escape(m.name)}</td><td class=\"num\">"
        f"{'—' if value is None else escape(floatformat(value, '-1g')) + unit}</td></tr>"
        for m, value in rows))


def coloured_map(request, measure: Measure) -> str:
    # A tile needs its code, name and place; the table the code and name.
    municipalities = list(Municipality.objects.only("lg_code", "name", "tile_col", "tile_row"))
    values = measure.values(request.user)
    rows = [(m, values.get(m.lg_code)) for m in municipalities]
    return caching.render("portal/_dashboard_map.html", {
        "measure": measure, "table_rows": table_rows(rows, str(measure.unit)),
        "tile_map": scale_tile_map(municipalities, values, title=str(measure.label),
                                   unit=str(measure.unit)),
    }, request)
