from django.urls import reverse

from portal.models import Report
from tests.meetings.test_packet import _download, papers, pdf_tools  # noqa: F401


def test_dump(client, papers, prefecture_user, django_capture_on_commit_callbacks):  # noqa: F811
    client.force_login(prefecture_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meeting_packet", args=[papers.pk]))
    open("/tmp/shots/meetings/packet.pdf", "wb").write(_download(client, Report.objects.get()))
