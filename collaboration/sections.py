from portal.lib.sections import Section, municipality_section

from . import selectors
from .models import Initiative
from .selectors import TOPICS


@municipality_section(topics=TOPICS, reads=(Initiative,))
def initiatives_taking_part(user, municipality):
    initiatives = selectors.visible_initiatives(user).filter(
        municipalities=municipality).select_related("category").order_by("-updated_at")
    return Section("collaboration/_municipality_initiatives.html", {
        "initiatives": initiatives[:20], "total": initiatives.count(),
    })
