"""The dashboard map's table rows written in Python are the rows the template's loop wrote."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

from portal.dashboard_map import table_rows
from portal.models import Municipality

# The loop as the template wrote it before the rows were written in Python.
TEMPLATE_ROWS = """{% for m, value in rows %}<tr><td>{{ m.lg_code }}</td><td>{{ m.name }}</td><td class="num">{% if value is None %}—{% else %}{{ value|floatformat:"-1g" }}{{ measure.unit }}{% endif %}</td></tr>{% endfor %}"""  # noqa: E501

VALUES = [None, Decimal(0), Decimal("0.04"), Decimal("12.25"), Decimal("33.3333"),
          Decimal(241_574), Decimal("1234567.89"), 7, Decimal("-3.5")]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("unit", ["人", "%", "<&\">"])
def test_the_rows_are_written_as_the_template_wrote_them(language, unit):
    municipalities = list(Municipality.objects.all())
    rows = [(m, VALUES[n % len(VALUES)]) for n, m in enumerate(municipalities)]
    rows.append((Municipality(lg_code="069999", name="<架空&町>"), Decimal("1.5")))
    with translation.override(language):
        expected = engines["django"].from_string(TEMPLATE_ROWS).render(
            {"rows": rows, "measure": {"unit": unit}})
        assert table_rows(rows, unit) == expected
    assert "&lt;架空&amp;町&gt;" in expected
