"""The status board's rows written in Python: a row per followed municipality, as the
template's loop wrote them (tests/surveys/test_board_markup.py compares the two); a board of
35 rows took most of its cold build in the template engine."""

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from portal.lib import japanese
from portal.lib.markup import escape

from .board import LATE, RETURNED, SUBMITTED

# A submitted or returned answer can be read; one not started or in draft cannot.
READABLE = (SUBMITTED, LATE, RETURNED)
NONE = "—"


def _moment(value) -> str:
    return escape(japanese.wareki_datetime(value)) if value else NONE


def _notice_cell(notice, *, requested: bool, opening_due: bool) -> str:
    if notice is not None and notice.sent_at:
        text = escape(japanese.wareki_datetime(notice.sent_at))
        if not notice.recipients:
            text += f" ({escape(gettext('nobody to send to'))})"
        return text
    if notice is not None:
        return escape(gettext("sending"))
    if requested and opening_due:
        return escape(gettext("queued to send"))
    if requested:
        return escape(gettext("waiting for the opening"))
    return escape(gettext("not sent"))


def rows(board: dict, *, can_extend: bool, can_proxy: bool) -> SafeString:
    """The ``<tr>`` of each of ``board["rows"]`` (``board.board_for``)."""
    requested, opening_due = board["requested"], board["opening_due"]
    extend_text = escape(gettext("Extend"))
    proxy_text = escape(gettext("Enter on its behalf"))
    out = []
    for municipality, label, state, response, reminder, notice, links in board["rows"]:
        name = escape(municipality.name)
        shown = f'<a href="{escape(links["response"])}">{name}</a>' \
            if state in READABLE else name
        submitted = _moment(response.submitted_at if response is not None else None)
        reminded = (f"{escape(japanese.wareki_datetime(reminder.sent_at))} "
                    f"({escape(reminder.step_label)})") \
            if reminder is not None else NONE
        extended = (f'{_moment(municipality.extended_until)}<br><span class="note">'
                    f'{escape(municipality.extension_reason)}</span>') \
            if municipality.extended_until else NONE
        actions = ""
        if can_extend or can_proxy:
            actions = '<td class="row-actions">'
            if can_extend:
                actions += (f'<a href="{escape(links["extend"])}">{extend_text}'
                            f'<span class="visually-hidden"> {name}</span></a>')
            if can_proxy and state not in (SUBMITTED, LATE):
                actions += (f' <a href="{escape(links["proxy"])}">{proxy_text}'
                            f'<span class="visually-hidden"> {name}</span></a>')
            actions += "</td>"
        notice_text = _notice_cell(notice, requested=requested, opening_due=opening_due)
        out.append(
            f'\n    <tr class="state state--{escape(state)}">\n'
            f"      <td><code>{escape(municipality.lg_code)}</code></td>\n"
            f"      <td>{shown}</td>\n"
            f'      <td><span class="badge badge--state-{escape(state)}">'
            f"{escape(label)}</span></td>\n"
            f"      <td>{submitted}</td>\n"
            f"      <td>{notice_text}</td>\n"
            f"      <td>{reminded}</td>\n"
            f"      <td>{extended}</td>\n"
            f"      {actions}\n"
            "    </tr>\n  ")
    return mark_safe("".join(out))  # every value above is escaped
