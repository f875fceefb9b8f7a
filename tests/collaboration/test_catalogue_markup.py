"""The catalogue's facet links and cards, written in Python (collaboration/catalogue_markup.py,
catalogue_cards.py), are byte for byte what the template loops wrote from model instances."""

import pytest
from django.http import QueryDict
from django.template import engines
from django.utils import translation

from collaboration import catalogue_cards, catalogue_markup, selectors
from collaboration.facet_counts import facet_counts
from collaboration.models import Initiative
from portal.models import Municipality

pytestmark = pytest.mark.django_db

# The sidebar and the result list as the template wrote them before they were built in Python.
TEMPLATE_FACETS = """{% load i18n %}{% for facet, items in facets %}{% if items %}
    <section class="facet" aria-labelledby="facet-{{ facet.param }}">
      <h3 id="facet-{{ facet.param }}">{{ facet.label }}</h3>
      <ul>
        {% for item, link in items %}
        <li>{% if item.selected %}<strong aria-current="true">{{ item.label }} ({{ item.count }})</strong>
          <a href="{{ link }}" class="facet__remove" aria-label="{% blocktranslate with label=item.label %}Remove the condition {{ label }}{% endblocktranslate %}">×</a>
          {% else %}<a href="{{ link }}">{{ item.label }}</a> ({{ item.count }}){% endif %}</li>
        {% endfor %}
      </ul>
    </section>
    {% endif %}{% endfor %}"""  # noqa: E501

TEMPLATE_CARDS = """{% load i18n japanese %}
      {% for initiative in page %}
      <li class="initiative">
        <h3 class="initiative__title"><a href="{{ initiative.get_absolute_url }}">{{ initiative.title }}</a></h3>
        <p class="initiative__meta">
          <span class="badge">{{ initiative.category.label }}</span>
          <span class="badge badge--status">{{ initiative.get_status_display }}</span>
          {% if initiative.is_model %}<span class="badge badge--model">{% translate "model project" %}</span>{% endif %}
          {% if not initiative.is_published %}<span class="badge badge--draft">{% translate "unpublished" %}</span>{% endif %}
          {% if initiative.is_demo %}<span class="badge badge--demo">{% translate "demo" %}</span>{% endif %}
          {% for method in initiative.method_list %}<span class="tag">{{ method.name }}</span>{% endfor %}
          {% for field in initiative.field_list %}<span class="tag tag--field">{{ field.name }}</span>{% endfor %}
        </p>
        <p>{{ initiative.summary|truncatechars:160 }}</p>
        <p class="initiative__where">{% if initiative.is_outside %}{% blocktranslate with pref=initiative.outside_prefecture %}Case from {{ pref }}{% endblocktranslate %}{% else %}{{ initiative.get_scope_display }}：{% with places=initiative.municipality_list %}{% for m in places|slice:":8" %}{{ m.name }}{% if not forloop.last %}・{% endif %}{% endfor %}{% if places|length > 8 %} {% blocktranslate count counter=places|length %}and others ({{ counter }} in all){% plural %}and others ({{ counter }} in all){% endblocktranslate %}{% endif %}{% endwith %}{% endif %}
          {% if initiative.start_year %}・{{ initiative.start_year|fiscal_year_label }}〜{% endif %}</p>
      </li>
      {% empty %}
      <li>{% translate "No initiative matches these conditions." %}</li>
      {% endfor %}
    """  # noqa: E501


def old_link(query, param: str, value: str | None) -> str:
    """The link as the view built it: a copy of the query string per link."""
    changed = query.copy()
    changed.pop("page", None)
    if value is None:
        changed.pop(param, None)
    else:
        changed[param] = value
    return "?" + changed.urlencode() if changed else "?"


def render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


def catalogue_facets(query: QueryDict):
    counts = facet_counts(Initiative.objects.all())
    active = {name: value for name, value in query.items() if value}
    return [*selectors.facets(counts, selectors.facet_choices(), active),
            selectors.year_facet(counts, active)]


@pytest.fixture
def varied(initiative_factory):
    all_codes = tuple(Municipality.objects.values_list("lg_code", flat=True)[:12])
    initiative_factory('水道 <b>"広域"</b> & 連携', summary="長い概要。" * 60, start_year=2021,
                       is_model=True, methods=("協議会", "研究会", "事務や施設等の共同化"),
                       fields=("観光", "防災", "水道"), codes=all_codes)
    initiative_factory("県外の事例", scope=Initiative.Scope.OUTSIDE, outside_prefecture="宮城県<",
                       codes=(), methods=(), fields=(), published=False, is_demo=True)
    initiative_factory("八つちょうど", codes=all_codes[:8], status=Initiative.Status.DONE,
                       funding=Initiative.Funding.choices[1][0], start_year=1990)
    initiative_factory("九つ", codes=all_codes[:9], scope=Initiative.Scope.REGIONS, fields=())


QUERIES = ["", "page=3", "q=水道&page=2&category=I-2", "category=II-1&category=I-2&sort=title",
           "region=murayama&q=a%26b+c%3D%22&per_page=50", "status=active&model=true&year=2021",
           "municipality=062014&location=in&funding=none&page=1&unknown=%3Cx%3E"]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("query", QUERIES)
def test_facet_sections_are_what_the_template_wrote(varied, language, query):
    query = QueryDict(query)
    with translation.override(language):
        facets = catalogue_facets(query)
        assert any(item.selected for facet in facets for item in facet.values) or \
            not any(key in query for key in ("category", "status", "region"))
        old = render(TEMPLATE_FACETS, {"facets": [
            (facet, [(item, old_link(query, item.param, None if item.selected else item.value))
                     for item in facet.values]) for facet in facets]})
        assert catalogue_markup.facet_sections(query, facets) == old


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("filters", [{}, {"title": "九つ"}, {"title": "none"},
                                     {"scope": Initiative.Scope.OUTSIDE}])
def test_cards_are_what_the_template_wrote(varied, language, filters):
    result = Initiative.objects.filter(**filters).order_by("-updated_at", "-id")
    choices = {param: rows for param, _label, rows in selectors.facet_choices()}
    with translation.override(language):
        old = render(TEMPLATE_CARDS, {"page": selectors.with_list_details(result)})
        assert catalogue_markup.cards(catalogue_cards.cards(result, choices)) == old
    assert filters or old.count('class="initiative"') == 4
