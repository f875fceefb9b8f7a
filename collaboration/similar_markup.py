"""The list of similar cases as ``collaboration/_similar_cases.html`` writes it (byte for byte,
see tests/collaboration/test_similar_markup.py), for a page that lists it many times over: a
survey's results show it beside each of their shared needs."""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal.lib.links import by_pk
from portal.lib.markup import escape
from portal.templatetags.figures import localized_number


def _joined(values, separator: str) -> str:
    # As the ``join`` filter writes a list when escaping: each item escaped.
    return escape(separator).join(escape(value) for value in values)


def similar_cases(suggestions) -> SafeString:
    """``suggestions`` (``similarity.Suggestion``) as an ordered list with their reasons."""
    url_of = by_pk("initiative_detail")
    why = gettext("Why:")
    out = ['<ol class="similar-cases">']
    for suggestion in suggestions:
        case = suggestion.initiative
        category = escape(case.category.label)
        outside = ""
        if case.is_outside:
            outside = " <span class=\"badge\">" + (
                gettext("outside Yamagata (%(prefecture)s)")
                % {"prefecture": escape(case.outside_prefecture)}
                if case.outside_prefecture else gettext("outside Yamagata")) + "</span>"
        reasons = [
            gettext("same field (%(fields)s)") % {
                "fields": _joined(suggestion.shared_fields, "、")}
            if suggestion.shared_fields else "",
            gettext("same method (%(methods)s)") % {
                "methods": _joined(suggestion.shared_methods, "、")}
            if suggestion.shared_methods else "",
            gettext("same category (%(category)s)") % {"category": category}
            if suggestion.same_category else "",
            gettext("matching words 「%(words)s」") % {"words": _joined(suggestion.words, "」「")}
            if suggestion.words else "",
            "" if any((suggestion.shared_fields, suggestion.shared_methods,
                       suggestion.same_category, suggestion.words))
            else gettext("similar wording"),
            gettext("(similarity %(percent)s%%)") % {
                "percent": escape(localized_number(suggestion.percent))},
        ]
        out.append(f'\n  <li><a href="{escape(url_of(case.pk))}">{escape(case.title)}</a> '
                   f'<span class="badge">{category}</span>{outside}\n    '
                   f'<span class="similar-cases__reason">{why}\n      '
                   + "\n      ".join(reasons) + "</span></li>\n")
    out.append("</ol>\n")
    return mark_safe("".join(out))
