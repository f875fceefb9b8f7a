"""The portal's own items for the home page."""

from django.urls import reverse
from django.utils.translation import gettext as _

from .lib import permissions
from .lib.attention import AttentionItem
from .models import Indicator, Municipality, StatisticValue
from .selectors import latest_population_year


def statistics_gaps(user) -> list[AttentionItem]:
    if not permissions.can_create(user, StatisticValue):  # those who import the statistics
        return []
    items = []
    year = latest_population_year()
    if year is None:
        return [AttentionItem(_("No statistics yet"),
                              _("Import the municipal statistics from CSV or Excel."),
                              reverse("statistics_import"), "warning")]
    recorded = StatisticValue.objects.filter(indicator=Indicator.POPULATION, year=year)
    missing = Municipality.objects.exclude(pk__in=recorded.values("municipality_id")).count()
    if missing:
        items.append(AttentionItem(
            _("Population figures missing"),
            _("%(count)s municipalities have no population figure for %(year)s.")
            % {"count": missing, "year": year},
            reverse("statistics_import"), "warning"))
    if StatisticValue.objects.filter(is_demo=True).exists():
        items.append(AttentionItem(
            _("Demo statistics in use"),
            _("Some figures are demo values, not official statistics; import the real ones."),
            reverse("statistics_import")))
    return items


def my_scope(user) -> list[AttentionItem]:
    if user.scope_municipality:
        municipality = user.scope_municipality
        return [AttentionItem(
            _("Your municipality: %(name)s") % {"name": municipality.name},
            _("Profile and statistics of %(name)s.") % {"name": municipality.name},
            municipality.get_absolute_url())]
    if user.scope_region:
        region = user.scope_region
        return [AttentionItem(
            _("Your region: %(name)s") % {"name": region.name},
            _("%(count)s municipalities in the %(name)s region.")
            % {"count": region.municipalities.count(), "name": region.name},
            reverse("municipality_list") + f"#region-{region.code}")]
    return []
