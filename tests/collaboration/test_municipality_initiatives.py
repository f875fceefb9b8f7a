"""The initiatives a municipality takes part in, on its page: the list written in Python
(collaboration/sections.py ``_initiative_links``) is byte for byte what the template wrote."""

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from collaboration import sections
from collaboration.models import Initiative
from portal.models import Municipality

pytestmark = pytest.mark.django_db

# The section's template as it was before its list was written in Python.
OLD_TEMPLATE = """{% load i18n %}
<section aria-labelledby="initiatives-title">
  <h2 id="initiatives-title">{% translate "Initiatives it takes part in" %}</h2>
  {% if data.initiatives %}
  <ul class="initiative-links">
    {% for initiative in data.initiatives %}
    <li><a href="{{ initiative.get_absolute_url }}">{{ initiative.title }}</a> <span class="badge">{{ initiative.category.label }}</span> <span class="badge badge--status">{{ initiative.get_status_display }}</span>{% if initiative.is_demo %} <span class="badge badge--demo">{% translate "demo" %}</span>{% endif %}</li>
    {% endfor %}
  </ul>
  {% if data.total > data.initiatives|length %}<p><a href="{% url 'initiative_list' %}?municipality={{ municipality.lg_code }}">{% blocktranslate count counter=data.total %}All {{ counter }} initiative{% plural %}All {{ counter }} initiatives{% endblocktranslate %}</a></p>{% endif %}
  {% else %}
  <p>{% translate "No initiative has been registered yet." %}</p>
  {% endif %}
</section>
"""  # noqa: E501


def old_section(user, municipality) -> str:
    initiatives = Initiative.objects.filter(municipalities=municipality).select_related(
        "category").order_by("-updated_at")
    return engines["django"].from_string(OLD_TEMPLATE).render({
        "data": {"initiatives": list(initiatives[:sections.SHOWN]),
                 "total": initiatives.count()},
        "municipality": municipality})


def new_section(user, municipality) -> str:
    section = sections.initiatives_taking_part(user, municipality)
    return render_to_string(section.template, {"data": section.context,
                                               "municipality": municipality})


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("count", [0, 1, sections.SHOWN, sections.SHOWN + 3])
def test_the_list_is_what_the_template_wrote(initiative_factory, prefecture_user, language,
                                             count):
    statuses = [value for value, _label in Initiative.Status.choices]
    for n in range(count):
        initiative_factory(f'連携 <b>"{n}"</b> & 事業' if n % 3 == 0 else f"取組{n}",
                           category=("I-1", "I-2", "II-1")[n % 3], codes=("062014", "063657"),
                           status=statuses[n % len(statuses)], is_demo=n % 2 == 1,
                           published=n % 4 != 3)
    initiative_factory("ほかの市町村", codes=("063657",))
    yamagata = Municipality.objects.get(lg_code="062014")
    with translation.override(language):
        old, new = old_section(prefecture_user, yamagata), new_section(prefecture_user, yamagata)
    assert new == old
    assert old.count("<li>") == min(count, sections.SHOWN)
    assert ("?municipality=062014" in old) == (count > sections.SHOWN)
