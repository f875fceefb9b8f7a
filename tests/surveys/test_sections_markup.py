"""The municipality page's survey sections (surveys/sections.py) write what their templates
wrote before their loops were written in Python, byte for byte, for each role that sees them."""

import pytest
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Municipality
from surveys import sections
from tests.collaboration.conftest import initiative_factory  # noqa: F401
from tests.collaboration.test_similar_cases import answered_survey, snow_cases  # noqa: F401
from tests.conftest import HOME_CODE

pytestmark = pytest.mark.django_db

# 横展開の候補 as its template was, the list included from collaboration/_similar_cases.html.
OLD_SPREAD_TEMPLATE = """{% load i18n %}
<section aria-labelledby="spread-candidates-title">
  <h2 id="spread-candidates-title">{% translate "Candidates for spreading here (横展開の候補)" %}</h2>
  <p class="note">{% blocktranslate with title=data.response.survey.title %}Initiatives the municipality does not take part in yet that are most like the needs in its answer to “{{ title }}”: the fields and methods it chose and what it wrote.{% endblocktranslate %}</p>
  {% if data.need.field_names or data.need.method_names %}<p>{% if data.need.field_names %}{% translate "Fields:" %} {{ data.need.field_names|join:"、" }}{% endif %}{% if data.need.method_names %} {% translate "Methods:" %} {{ data.need.method_names|join:"、" }}{% endif %}</p>{% endif %}
  {% if data.suggestions %}{% include "collaboration/_similar_cases.html" with suggestions=data.suggestions %}
  {% else %}<p>{% translate "No similar initiatives found yet." %}</p>{% endif %}
</section>
"""  # noqa: E501


def rendered(user, template=None):
    municipality = Municipality.objects.get(lg_code=HOME_CODE)
    section = sections.spread_candidates(user, municipality)
    if section is None:
        return None
    context = {"data": section.context, "municipality": municipality}
    if template is None:
        return render_to_string(section.template, context)
    return engines["django"].from_string(template).render(context)


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("text", ["冬の除雪を近隣と共同で行いたい", "<b>観光</b> & 「協議会」"])
def test_the_spread_candidates_are_what_the_template_wrote(
        language, text, snow_cases, prefecture_user, branch_user,  # noqa: F811
        municipal_user, other_municipal_user):
    answered_survey(HOME_CODE, fields=["防災"], text=text)
    with translation.override(language):
        for user in (prefecture_user, branch_user, municipal_user):
            new = rendered(user)
            assert new == rendered(user, OLD_SPREAD_TEMPLATE)
            assert new.count("<li>") >= 1
        # An outsider sees no answer, so no candidates either way.
        assert rendered(other_municipal_user) is None


def test_no_candidates_are_written_as_the_template_wrote_them(prefecture_user):
    answered_survey(HOME_CODE, text="どの取組にも似ていない要望")
    new = rendered(prefecture_user)
    assert new == rendered(prefecture_user, OLD_SPREAD_TEMPLATE)
    assert "<li>" not in new
