from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from portal.lib.links import by_pk
from portal.lib.sections import Section, municipality_section

from . import selectors
from .models import Initiative
from .selectors import TOPICS

SHOWN = 20
# What the section's list shows of each initiative.
SHOWN_FIELDS = ("title", "status", "is_demo", "category__label")


@municipality_section(topics=TOPICS, reads=(Initiative,))
def initiatives_taking_part(user, municipality):
    visible = selectors.visible_initiatives(user)
    initiatives = visible.filter(
        municipalities=municipality).select_related("category").order_by("-updated_at")
    shown = list(initiatives.only(*SHOWN_FIELDS)[:SHOWN])
    return Section("collaboration/_municipality_initiatives.html", {
        "initiatives": shown, "links": _initiative_links(shown),
        # Fewer than a page full: that is all of them, no need to count.
        "total": len(shown) if len(shown) < SHOWN else _count(visible, initiatives,
                                                              municipality),
    })


def _count(visible, initiatives, municipality) -> int:
    """How many of ``initiatives`` there are. A reader who sees every initiative (no
    condition in their scope) counts the municipality's links alone, over their index,
    without joining the initiatives (3 ms on 山形市's 1,681 of the bench data)."""
    if visible.query.where:
        return initiatives.count()
    return Initiative.municipalities.through.objects.filter(municipality=municipality).count()


def _initiative_links(initiatives) -> str:
    """The section's list items, as its template loop wrote them (byte for byte, see
    tests/collaboration/test_municipality_initiatives.py)."""
    status_labels = {value: escape(label) for value, label in Initiative.Status.choices}
    demo = f' <span class="badge badge--demo">{escape(gettext("demo"))}</span>'
    url_of = by_pk("initiative_detail")
    return mark_safe("".join(
        f'\n    <li><a href="{escape(url_of(initiative.pk))}">{escape(initiative.title)}</a> '
        f'<span class="badge">{escape(initiative.category.label)}</span> '
        f'<span class="badge badge--status">'
        f'{status_labels.get(initiative.status) or escape(initiative.status)}</span>'
        f'{demo if initiative.is_demo else ""}</li>\n    '
        for initiative in initiatives))
