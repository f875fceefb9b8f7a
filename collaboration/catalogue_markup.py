"""The catalogue's facet links and result cards as HTML, written the way their template loops
wrote them (byte for byte, see tests/collaboration/test_catalogue_markup.py): the template
engine spent most of a cold catalogue's build resolving the variables of 50 cards and some 300
links. Every value is escaped as the template escaped it."""

import unicodedata
from urllib.parse import quote_plus

from django.template.defaultfilters import truncatechars
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, ngettext

from portal.lib.links import by_pk
from portal.templatetags.figures import localized_number
from portal.templatetags.japanese import fiscal_year_label

from .models import Initiative

PLACES_SHOWN = 8
SUMMARY_LENGTH = 160


def _pair(key: str, value: str, encoding: str) -> str:
    # As QueryDict.urlencode writes one value (urlencode of the encoded pair).
    return f"{quote_plus(key.encode(encoding))}={quote_plus(str(value).encode(encoding))}"


def facet_links(query, param: str):
    """A function of a facet's value (None: the facet removed) to the current query string with
    it and back on page one, as QueryDict.copy()/urlencode() wrote it: the other parameters
    keep their places, a parameter already there keeps its own, a new one goes last."""
    before, after, seen = [], [], False
    for key, values in query.lists():
        if key == "page":
            continue
        if key == param:
            seen = True
            continue
        (after if seen else before).extend(_pair(key, v, query.encoding) for v in values)

    head, tail = "&".join(before), "&".join(after)
    key = quote_plus(param.encode(query.encoding))

    def link(value: str | None) -> str:
        pairs = [head, tail] if value is None else [
            head, f"{key}={quote_plus(str(value).encode(query.encoding))}", tail]
        return "?" + "&".join(part for part in pairs if part)

    return link


def _count(n) -> str:
    """A count as the template localised and escaped it."""
    return escape(localized_number(n))


def _summary(text: str) -> str:
    # truncatechars returns the text NFC-normalised, and unchanged up to the length.
    normalised = unicodedata.normalize("NFC", text)
    return normalised if len(normalised) <= SUMMARY_LENGTH else truncatechars(text, SUMMARY_LENGTH)


def facet_sections(query, facets) -> str:
    """The facets' sections of the catalogue's sidebar, each value a link that adds (or, when
    chosen, removes) it."""
    out, count = [], _count
    for facet in facets:
        if not facet.values:
            continue
        param = escape(facet.param)
        link = facet_links(query, facet.param)
        out.append(f'\n    <section class="facet" aria-labelledby="facet-{param}">\n'
                   f'      <h3 id="facet-{param}">{escape(facet.label)}</h3>\n      <ul>\n        ')
        for item in facet.values:
            label = escape(item.label)
            if item.selected:
                remove = gettext("Remove the condition %(label)s") % {"label": label}
                out.append(f'\n        <li><strong aria-current="true">{label} '
                           f'({count(item.count)})</strong>\n'
                           f'          <a href="{escape(link(None))}" class="facet__remove" '
                           f'aria-label="{remove}">×</a>\n          </li>\n        ')
            else:
                out.append(f'\n        <li><a href="{escape(link(item.value))}">{label}</a> '
                           f'({count(item.count)})</li>\n        ')
        out.append("\n      </ul>\n    </section>\n    ")
    return mark_safe("".join(out))


def _where(card, scope_labels: dict, count) -> str:
    if card.scope == Initiative.Scope.OUTSIDE:
        return gettext("Case from %(pref)s") % {"pref": escape(card.outside_prefecture)}
    places = card.municipality_names
    where = escape(scope_labels.get(card.scope, card.scope)) + "：" + "・".join(
        escape(name) for name in places[:PLACES_SHOWN])
    if len(places) > PLACES_SHOWN:
        n = len(places)
        where += " " + ngettext("and others (%(counter)s in all)",
                                "and others (%(counter)s in all)", n) % {"counter": count(n)}
    return where


def cards(rows) -> str:
    """The results' list items (``catalogue_cards.Card``), or the one saying none matched."""
    if not rows:
        return mark_safe("\n      \n      <li>" + escape(gettext(
            "No initiative matches these conditions.")) + "</li>\n      \n    ")
    status_labels = {value: str(label) for value, label in Initiative.Status.choices}
    scope_labels = {value: str(label) for value, label in Initiative.Scope.choices}
    model = f'<span class="badge badge--model">{escape(gettext("model project"))}</span>'
    draft = f'<span class="badge badge--draft">{escape(gettext("unpublished"))}</span>'
    demo = f'<span class="badge badge--demo">{escape(gettext("demo"))}</span>'
    url_of = by_pk("initiative_detail")
    out, count = ["\n      "], _count
    for card in rows:
        methods = "".join(f'<span class="tag">{escape(name)}</span>'
                          for name in card.method_names)
        fields = "".join(f'<span class="tag tag--field">{escape(name)}</span>'
                         for name in card.field_names)
        year = f"・{escape(fiscal_year_label(card.start_year))}〜" if card.start_year else ""
        status = escape(status_labels.get(card.status, card.status))
        url = escape(url_of(card.pk))
        out.append(
            f'\n      <li class="initiative">\n'
            f'        <h3 class="initiative__title"><a href="{url}">{escape(card.title)}</a></h3>\n'
            f'        <p class="initiative__meta">\n'
            f'          <span class="badge">{escape(card.category_label)}</span>\n'
            f'          <span class="badge badge--status">{status}</span>\n'
            f'          {model if card.is_model else ""}\n'
            f'          {"" if card.is_published else draft}\n'
            f'          {demo if card.is_demo else ""}\n'
            f'          {methods}\n          {fields}\n        </p>\n'
            f'        <p>{escape(_summary(card.summary))}</p>\n'
            f'        <p class="initiative__where">{_where(card, scope_labels, count)}\n'
            f'          {year}</p>\n      </li>\n      ')
    out.append("\n    ")
    return mark_safe("".join(out))
