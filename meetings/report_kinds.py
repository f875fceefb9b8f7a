"""The meeting packet as a report of the portal's pipeline: asked for from the meeting page,
built by a worker, downloaded by the person who asked while they may still see the meeting."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.permissions import VIEW, can, scope
from portal.lib.reports import PDF_TYPE, Built, ReportError, ReportKind, register, render_pdf

from .models import Meeting
from .packet import packet_context

CODE = "meeting_packet"


def _meeting(params):
    return Meeting.objects.select_related("body").filter(pk=params["meeting_id"]).first()


def _allowed(user, params) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if params is None:
        return False  # asked for from a meeting's page, not offered on the reports page
    meeting = _meeting(params)
    return meeting is not None and can(user, VIEW, meeting)


def _parse(data) -> dict:
    value = str(data.get("meeting_id", ""))
    if not value.isdigit() or not Meeting.objects.filter(pk=int(value)).exists():
        raise ReportError(_("Choose a meeting."))
    return {"meeting_id": int(value)}


def _title(params) -> str:
    meeting = _meeting(params)
    return _("Meeting packet: %(meeting)s") % {"meeting": meeting}


def _build(report, progress) -> Built:
    user = report.requested_by
    meeting = scope(user, VIEW, Meeting.objects.select_related("body")).filter(
        pk=report.params["meeting_id"]).first()
    if meeting is None:
        raise ReportError(_("The meeting is gone, or you may no longer see it."))
    context = packet_context(meeting, user)
    progress(50)
    content = render_pdf("meetings/packet.html", context)
    return Built(content, f"会議資料_{meeting.body.name[:60]}_第{meeting.number}回.pdf", PDF_TYPE)


def render_packet(meeting: Meeting, user) -> bytes:
    """The packet's PDF for ``user``, as the worker builds it."""
    return render_pdf("meetings/packet.html", packet_context(meeting, user))


# No form on the reports page: a packet is asked for from its meeting's page.
register(ReportKind(CODE, gettext_lazy("Meeting packet (PDF)"), _allowed, _title, _build,
                    _parse, form_template=""))
