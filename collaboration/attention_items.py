"""Home-page items: proposals waiting to be published."""

from django.urls import reverse
from django.utils.translation import gettext as _

from portal.lib.attention import AttentionItem

from . import selectors


def proposals_to_publish(user) -> list[AttentionItem]:
    waiting = selectors.visible_initiatives(user).filter(is_published=False).count()
    if not waiting:
        return []
    url = reverse("initiative_list") + "?published=no"
    if user.scope_municipality is not None:
        return [AttentionItem(_("Proposals awaiting publication"),
                              _("%(count)s initiatives of your municipality are not published "
                                "yet.") % {"count": waiting}, url)]
    return [AttentionItem(_("Proposals to publish"),
                          _("%(count)s unpublished initiatives are waiting for you.")
                          % {"count": waiting}, url, "warning")]
