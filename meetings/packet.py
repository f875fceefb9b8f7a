"""The meeting packet: agenda, linked survey results and initiative summaries, as one A4 PDF
in Japanese (IPAex Gothic), with page numbers and the portal's name and date on each page."""

from django.core.files.uploadedfile import SimpleUploadedFile

from portal.reports import render_pdf
from portal.services.attachments import attachment_create
from portal.uploads import PDF


def render_packet(meeting, user) -> bytes:
    from surveys.results import results_for

    agenda = list(meeting.agenda.select_related("theme", "initiative__category", "survey"))
    sections = [(item, results_for(user, item.survey)["results"] if item.survey else None)
                for item in agenda]
    return render_pdf("meetings/packet.html", {"meeting": meeting, "sections": sections})


def build(meeting, user):
    """Renders the packet and stores it as an attachment of the meeting."""
    content = render_packet(meeting, user)
    name = f"会議資料_{meeting.body.name}_第{meeting.number}回.pdf"
    upload = SimpleUploadedFile(name, content, content_type=PDF.mime_type)
    return attachment_create(actor=user, owner=meeting, upload=upload, allowed=(PDF,),
                             title=f"会議資料（第{meeting.number}回）")
