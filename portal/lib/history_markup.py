"""The change history's rows as HTML, written the way the loop of portal/_history.html wrote
them (byte for byte, see tests/portal/test_history_markup.py): resolving some ten variables
per row and per change was most of the table's time. Every value is escaped as the template
escaped it."""

from django.utils.formats import localize
from django.utils.html import conditional_escape as escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from ..models import AuditEntry
from .japanese import wareki_datetime


def _shown(value) -> str:
    """``{{ value }}``: localised as the template localised it, then escaped."""
    if isinstance(value, str):
        return escape(value)
    return escape(localize(template_localtime(value)))


def _change(change) -> str:
    before = "" if change.before is None else f"<del>{_shown(change.before)}</del> → "
    after = "—" if change.after is None else _shown(change.after)
    return (f'\n            <li><span class="changes__label">{_shown(change.label)}</span>: '
            f"{before}<ins>{after}</ins></li>\n            ")


def _row(row, system: str, actions: dict) -> str:
    entry = row.entry
    who = row.who
    action = actions.get(entry.action, entry.action)
    note = (f' <span class="history__note">{_shown(entry.note)}</span>' if entry.note else "")
    changes = (f'\n          <ul class="changes">\n            '
               f'{"".join(_change(change) for change in row.changes)}'
               f"\n          </ul>\n          ") if row.changes else ""
    return (f"\n      <tr>\n        <td>{_shown(wareki_datetime(entry.at) if entry.at else '')}"
            f"</td>\n        <td>{_shown(who) if who else system}</td>\n"
            f"        <td>{_shown(entry.object_repr)}<br>"
            f'<span class="badge">{_shown(action)}</span>{note}</td>\n'
            f"        <td>\n          {changes}\n        </td>\n      </tr>\n      ")


def history_rows(history) -> SafeString:
    """The table's rows (portal.lib.audit.HistoryRow), newest first as given."""
    # The template's _("system"): a translated literal, written as it is.
    system = gettext("system")
    # get_action_display's labels, translated once (it hashes every lazy label per call).
    actions = {value: str(label) for value, label in AuditEntry.Action.choices}
    return mark_safe("".join(_row(row, system, actions) for row in history))
