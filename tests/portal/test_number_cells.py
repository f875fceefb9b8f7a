"""``number_cells`` writes the cells the template loop wrote, value for value."""

from decimal import Decimal

import pytest
from django.template import engines
from django.utils import translation

LOOP = '{% for n in values %}<td class="num">{{ n }}</td>{% endfor %}'
FILTER = "{% load figures %}{{ values|number_cells }}"
VALUES = [0, 1, 7, 35, 1234567, -3, Decimal("12.5"), Decimal("1234.50"), 2.25, None, "—",
          "<b>&", True]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("grouping", [False, True])
def test_the_cells_are_those_the_loop_wrote(language, grouping, settings):
    settings.USE_THOUSAND_SEPARATOR = grouping
    engine = engines["django"]
    with translation.override(language):
        for values in ([], VALUES, list(range(40)), [(1, 2)]):
            context = {"values": values}
            assert engine.from_string(FILTER).render(context) == \
                engine.from_string(LOOP).render(context), values
    assert "&lt;b&gt;&amp;" in engine.from_string(FILTER).render({"values": VALUES})
