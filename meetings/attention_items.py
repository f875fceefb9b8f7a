"""Home-page items: the decisions and actions a user owns that are overdue or due soon."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.attention import AttentionItem
from portal.lib.japanese import wareki_day

from .models import ActionItem


def my_action_items(user) -> list[AttentionItem]:
    today = timezone.localdate()
    items = ActionItem.objects.filter(owner=user, status=ActionItem.Status.OPEN,
                                      due_on__lte=today + datetime.timedelta(days=7)
                                      ).select_related("meeting__body")[:10]
    return [AttentionItem(
        (_("Overdue: %(title)s") if item.due_on < today else _("Due soon: %(title)s"))
        % {"title": item.title},
        _("%(meeting)s, due %(date)s") % {"meeting": item.meeting, "date": wareki_day(item.due_on)},
        item.meeting.get_absolute_url(), "warning" if item.due_on < today else "info")
        for item in items]
