"""What the home page, a municipality's page and the dashboard show, top to bottom, and the
reference data `manage.py load_reference_data` loads, in order.

Each piece lives in its app; this module only lists them, so the dependency points from here
down to the apps and no app needs to know where it is shown.

To add a piece, write it in your app and add one line to the list below:

- home page item: ``def my_items(user) -> list[AttentionItem]`` (portal.lib.attention) in
  ``<app>/attention_items.py``; add it to ``HOME_ITEMS``. Warnings are shown first, the rest
  in this order.
- municipality section: ``def my_section(user, municipality) -> Section | None``
  (portal.lib.sections) in ``<app>/sections.py``, decorated with ``@municipality_section(topics=…,
  reads=…)`` when it may be cached; add it to ``MUNICIPALITY_SECTIONS``. The same sections go
  into the municipality profile PDF.
- dashboard measure of the tile map: a ``Measure`` (portal.lib.dashboard) constant in
  ``<app>/dashboard.py``; add it to ``DASHBOARD_MEASURES`` (the first is the default).
- dashboard panel: a ``Panel`` constant in ``<app>/dashboard.py``; add it to
  ``DASHBOARD_PANELS``.
- reference data: ``def load_x() -> str`` (creates or updates rows by their codes, returns a
  one-line summary); add it to ``REFERENCE_DATA``, after what it refers to.
"""

from collaboration import attention_items as collaboration_items
from collaboration import dashboard as collaboration_dashboard
from collaboration import sections as collaboration_sections
from collaboration.services.reference import load_framework
from meetings import attention_items as meetings_items
from meetings import sections as meetings_sections
from surveys import attention_items as surveys_items
from surveys import dashboard as surveys_dashboard
from surveys import sections as surveys_sections

from . import attention_items as portal_items
from . import dashboard_measures as portal_measures
from .services.reference import load_portal_reference

HOME_ITEMS = (
    portal_items.statistics_gaps,
    portal_items.my_scope,
    collaboration_items.proposals_to_publish,
    surveys_items.surveys_to_answer,
    surveys_items.surveys_to_follow,
    meetings_items.my_action_items,
)

MUNICIPALITY_SECTIONS = (
    collaboration_sections.initiatives_taking_part,
    surveys_sections.survey_answers,
    surveys_sections.spread_candidates,
    meetings_sections.councils,
)

DASHBOARD_MEASURES = (
    *portal_measures.STATISTICS,
    collaboration_dashboard.PARTICIPATION,
    surveys_dashboard.SUBMITTED_SHARE,
)

DASHBOARD_PANELS = (
    collaboration_dashboard.NETWORK,
    collaboration_dashboard.TRENDS,
    collaboration_dashboard.THEME_CHAIN,
)

REFERENCE_DATA = (
    load_portal_reference,
    load_framework,
)


def load_all_reference_data() -> list[str]:
    """Every app's reference data, in order; one summary line each."""
    return [load() for load in REFERENCE_DATA]
