"""A survey's results as HTML, written the way the loops of ``surveys/_results.html`` wrote them
(byte for byte, see tests/surveys/test_results_markup.py): the template engine spent most of a
large survey's results page resolving the variables of some forty questions' tables, charts
and texts and of the shared needs. Every value is escaped and localised as the template did;
translated texts are written as they are, as ``{% translate %}`` writes them."""

from decimal import Decimal
from urllib.parse import quote

from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import numberformat
from django.utils.formats import get_format, localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, ngettext

from collaboration.similar_markup import similar_cases
from portal.lib.charts import figure
from portal.lib.markup import escape
from portal.templatetags.figures import localized_number


def _number(value) -> str:
    """A value as the template wrote ``{{ value }}``: localised, then escaped."""
    if type(value) is int:
        # Below a thousand a whole number is its digits in every language (nearly every count
        # and share); digits and separators need no escaping.
        return str(value) if -1000 < value < 1000 else localized_number(value)
    return escape(localized_number(value))


def _cells(values) -> str:
    # As the ``number_cells`` filter writes them.
    return "".join(f'<td class="num">{_number(n)}</td>' for n in values)


def _lines(text) -> str:
    """``{{ text|linebreaksbr }}``: escaped, each line break a <br>."""
    if type(text) is not str:
        return linebreaksbr(text, autoescape=True)
    return escape(text.replace("\r\n", "\n").replace("\r", "\n")).replace("\n", "<br>")


def _last_year(value) -> str:
    return "—" if value is None else _number(value)


def grid_table(result) -> str:
    """``surveys/_grid_result.html``: per row of a grid, each column's count and share."""
    text = escape(result.question.text)
    columns = "".join(f'<th scope="col" class="num">{escape(column)}</th>'
                      for column, _count, _percent in result.grid[0][1])
    rows = "".join(
        f'<tr><th scope="row">{escape(row)}</th>'
        + "".join(f'<td class="num">{_number(count)} <span class="note">({_number(percent)}%)'
                  f'</span></td>' for _column, count, percent in cells)
        + f'<td class="num">{_number(answered)}</td></tr>'
        for row, cells, answered in result.grid)
    return (f'<table class="table">\n  <caption class="visually-hidden">{text}</caption>\n  '
            f'<thead><tr><th scope="col">{gettext("Row")}</th>{columns}<th scope="col" '
            f'class="num">{gettext("Answers")}</th></tr></thead>\n  <tbody>{rows}</tbody>'
            f'\n</table>\n')


class _Headings:
    """What every table of one page repeats, translated and escaped once."""

    def __init__(self, computed: dict):
        self.has_previous = computed["has_previous"]
        answer = f'<th scope="col">{gettext("Answer")}</th>'
        last_year = (f'<th scope="col" class="num">{gettext("Last year")}</th>'
                     if self.has_previous else "")
        self.counts = (
            f'<thead><tr>{answer}<th scope="col" class="num">'
            f'{gettext("Municipalities")}</th><th scope="col" class="num">%</th>'
            f'{last_year}'
            + "".join(f'<th scope="col" class="num">{escape(region.name)}</th>'
                      for region in computed["regions"])
            + "".join(f'<th scope="col" class="num">{escape(kind)}</th>'
                      for kind in computed["kinds"])
            + "</tr></thead>")
        last_score = ('<th scope="col" class="num">' + gettext("Last year's score")
                      + "</th>" if self.has_previous else "")
        self.ranks = (
            "<caption>" + gettext("Municipalities per rank, and the score (%(weights)s)")
            % {"weights": escape(computed["weights"])} + "</caption>\n    "
            f'<thead><tr>{answer}'
            + "".join(f'<th scope="col" class="num">{escape(rank)}</th>'
                      for rank in computed["rank_labels"])
            + f'<th scope="col" class="num">{gettext("Score")}</th>{last_score}'
            "</tr></thead>")
        self.numbers = (f'<thead><tr><th scope="col">{gettext("Municipality")}</th>'
                        f'<th scope="col" class="num">{gettext("Value")}</th></tr></thead>')
        self.others = f'<h3>{gettext("“Other” in their words")}</h3>'
        self.none = f'<p>{gettext("No answers yet.")}</p>'
        self.words = {"Total": gettext("Total"), "minimum": gettext("minimum"),
                      "median": gettext("median"), "maximum": gettext("maximum")}
        self.localize = _localizer()


def _localizer():
    """``localize`` of a number answer, escaped, with the language's formats looked up once
    for the page's hundreds of them, not for each."""
    language = get_language()
    decimal, grouping, thousands = (get_format(name, language, use_l10n=True) for name in (
        "DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"))

    def localized(value) -> str:
        if type(value) is not Decimal:
            return escape(localize(value))
        return escape(numberformat.format(value, decimal, None, grouping, thousands,
                                          use_l10n=True))

    return localized


def _chart(result) -> str:
    return figure(result.chart, f"{result.question.pk}-chart")


def _body(result, headings: _Headings) -> str:
    """What a question's section shows below its count of answers."""
    question = result.question
    if result.grid:
        return f"\n  {grid_table(result)}\n  "
    if result.files:
        return "\n  <ul>" + "".join(
            f'<li>{escape(m.name)}: <a href="{escape(attachment.get_absolute_url())}">'
            f'{escape(attachment.name)}</a></li>' for m, attachment in result.files) + "</ul>\n  "
    if result.ranks:
        previous = headings.has_previous
        rows = "".join(
            f'<tr><th scope="row">{escape(label)}</th>{_cells(by_rank)}<td class="num">'
            f'{_number(points)}</td>'
            + (f'<td class="num">{_last_year(last_year)}</td>' if previous else "") + "</tr>"
            for label, by_rank, points, last_year in result.ranks)
        return (f"\n  {_chart(result)}\n  <table class=\"table\">\n    {headings.ranks}\n    "
                f"<tbody>{rows}</tbody>\n  </table>\n  ")
    if result.counts:
        previous = headings.has_previous
        rows = "".join(
            f'<tr><th scope="row">{escape(label)}</th><td class="num">{_number(count)}</td>'
            f'<td class="num">{_number(percent)}%</td>'
            + (f'<td class="num">{_last_year(last_year)}</td>' if previous else "")
            + f"{_cells(by_region)}{_cells(by_kind)}</tr>"
            for label, count, percent, by_region, by_kind, last_year in result.counts)
        others = (headings.others + "<ul>" + "".join(
            f"<li>{escape(m.name)}: {escape(text)}</li>" for m, text in result.others)
            + "</ul>") if result.others else ""
        return (f"\n  {_chart(result)}\n  <table class=\"table\">\n    <caption "
                f"class=\"visually-hidden\">{escape(question.text)}</caption>\n    "
                f"{headings.counts}\n    <tbody>{rows}</tbody>\n  </table>\n  {others}\n  ")
    if result.numbers:
        numbers, unit, word = result.numbers, escape(question.unit), headings.words
        localized = headings.localize
        rows = "".join(f'<tr><td>{escape(m.name)}</td><td class="num">{localized(value)}'
                       f'{unit}</td></tr>' for m, value in numbers["rows"])
        return (f"\n  <p>{word['Total']} {localized(numbers['total'])}{unit} · "
                f"{word['minimum']} {localized(numbers['min'])} · {word['median']} "
                f"{localized(numbers['median'])} · {word['maximum']} "
                f"{localized(numbers['max'])}</p>\n  <table class=\"table\"><caption "
                f"class=\"visually-hidden\">{escape(question.text)}</caption>{headings.numbers}"
                f"\n    <tbody>{rows}</tbody></table>\n  ")
    if result.texts:
        return "\n  <dl class=\"texts\">" + "".join(
            f"<div><dt>{escape(m.name)}</dt><dd>{_lines(text)}</dd></div>"
            for m, text in result.texts) + "</dl>\n  "
    return headings.none


def sections(computed: dict) -> SafeString:
    """A section per question of ``results.results_for``'s results."""
    headings = _Headings(computed)
    out = []
    for result in computed["results"]:
        pk = _number(result.question.pk)
        answers = ngettext("%(counter)s answer", "%(counter)s answers", result.answered) % {
            "counter": _number(result.answered)}
        if result.shown is not None:
            answers += " " + ngettext(
                "(shown to %(counter)s municipality by its condition)",
                "(shown to %(counter)s municipalities by its condition)", result.shown) % {
                "counter": _number(result.shown)}
        out.append(f'\n<section class="result" aria-labelledby="result-{pk}">\n  <h2 id="result-'
                   f'{pk}">{escape(result.question.text)}</h2>\n  <p class="note">{answers}</p>'
                   f'\n  {_body(result, headings)}\n</section>\n')
    return mark_safe("".join(out))


def shared_needs(needs, survey, *, runs_survey: bool, csrf_token: str) -> SafeString:
    """The list of the needs several municipalities chose: each with its count, its question,
    a search for matching initiatives, its theme (or, for those who run the survey, the form
    making one) and its similar cases."""
    catalogue = escape(reverse("initiative_list"))
    theme_url = escape(reverse("survey_theme", args=[survey.pk]))
    matching = gettext("matching initiatives")
    csrf = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">'
    out = ["<ul>"]
    for item, label, count, theme, similar in needs:
        label_text = escape(label)
        if theme:
            then = " · " + gettext("Theme: %(title)s") % {"title": escape(theme.title)} + "\n    "
        elif runs_survey:
            then = (f'<form method="post" action="{theme_url}" class="inline-form">{csrf}<input '
                    f'type="hidden" name="question" value="{_number(item.question.pk)}"><input '
                    f'type="hidden" name="choice" value="{label_text}"><button type="submit" '
                    f'class="link-button">'
                    + gettext("Make “%(label)s” a collaboration theme") % {"label": label_text}
                    + "</button></form>")
        else:
            then = ""
        cases = ('<div class="similar-cases__need"><p class="note">'
                 + gettext("Similar cases for “%(label)s”:") % {"label": label_text}
                 + f"</p>{similar_cases(similar)}</div>") if similar else ""
        out.append(
            f"<li><strong>{label_text}</strong> — "
            + gettext("%(count)s municipalities") % {"count": _number(count)}
            + f' ({escape(item.question.text)}) · <a href="{catalogue}?q='
            f'{escape(quote(str(label), safe="/"))}">{matching}</a>\n    {then}\n    {cases}</li>')
    out.append("</ul>")
    return mark_safe("".join(out))
