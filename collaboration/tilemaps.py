from django.utils.translation import gettext as _

from portal.lib.tilemap import build_tile_map


def participation_tile_map(initiative, municipalities, taking_part=None):
    """The 35 with those taking part in ``initiative`` highlighted; ``taking_part``: their
    ids, when already read."""
    if taking_part is None:
        taking_part = {m.pk for m in initiative.municipalities.all()}
    lead = initiative.lead_organisation.municipality_id if initiative.lead_organisation else None

    def classify(municipality):
        if municipality.pk == lead:
            return "tile--lead", _("lead")
        if municipality.pk in taking_part:
            return "tile--taking-part", _("taking part")
        return "tile--not-taking-part", _("not taking part")

    return build_tile_map(municipalities, title=_("Municipalities taking part"),
                          classify=classify,
                          legend_order=["tile--lead", "tile--taking-part", "tile--not-taking-part"])
