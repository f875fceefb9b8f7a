from portal.lib.sections import Section, municipality_section

from . import selectors
from .models import Initiative
from .selectors import TOPICS

SHOWN = 20
# The section shows titles and badges, not these.
LONG_TEXTS = ("body", "outcomes", "indicators", "search_text", "search_grams")


@municipality_section(topics=TOPICS, reads=(Initiative,))
def initiatives_taking_part(user, municipality):
    initiatives = selectors.visible_initiatives(user).filter(
        municipalities=municipality).select_related("category").order_by("-updated_at")
    shown = list(initiatives.defer(*LONG_TEXTS)[:SHOWN])
    return Section("collaboration/_municipality_initiatives.html", {
        # Fewer than a page full: that is all of them, no need to count.
        "initiatives": shown, "total": len(shown) if len(shown) < SHOWN else initiatives.count(),
    })
