import io

import pytest
from django.urls import reverse

from collaboration.models import Initiative
from meetings.models import PacketJob
from meetings.tasks import build_meeting_packet
from surveys.models import SurveyResponse
from tests.collaboration.conftest import make_initiative
from tests.conftest import need_service
from tests.factories import municipality
from tests.meetings.conftest import make_meeting
from tests.surveys.conftest import keys, make_survey

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def pdf_tools(settings, tmp_path):
    try:
        import weasyprint  # noqa: F401
    except OSError as error:  # Pango missing
        need_service(False, f"WeasyPrint cannot load Pango: {error}")
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}


def text_of(pdf: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts_of(pdf: bytes) -> set[str]:
    from pypdf import PdfReader

    names = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def test_the_packet_is_a_japanese_pdf_with_agenda_results_and_initiatives(
        client, council, prefecture_user, municipal_user, django_capture_on_commit_callbacks):
    meeting = make_meeting(prefecture_user, council, title="連携テーマの決定")
    survey = make_survey()
    fields = keys(survey)[0]
    SurveyResponse.objects.create(survey=survey, municipality=municipality("062014"),
                                  status="submitted", answers={fields: ["水道"]})
    initiative = make_initiative("買い物支援推進事業", category="II-3")
    first, second = meeting.agenda.all()
    first.survey = survey
    first.save()
    second.initiative = Initiative.objects.get(pk=initiative.pk)
    second.save()

    client.force_login(prefecture_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meeting_act", args=[meeting.pk, "packet"]))
    assert response.status_code == 302
    job = PacketJob.objects.get()
    assert job.status == "done" and job.attachment is not None
    assert build_meeting_packet(job.pk) is False  # claimed once: running it again does nothing

    client.force_login(municipal_user)  # a member downloads it like any meeting document
    download = client.get(job.attachment.get_absolute_url())
    pdf = b"".join(download.streaming_content)
    text = text_of(pdf)
    assert pdf.startswith(b"%PDF-")
    for words in ("県・市町村連携推進会議 第1回", "調査結果の報告", "連携したい分野", "水道",
                  "買い物支援推進事業", "連携ポータル", "1 / "):
        assert words in text, words
    assert any("IPAex" in name for name in fonts_of(pdf))  # a real Japanese font, embedded


def test_a_failed_packet_says_why_and_is_not_left_running(council, prefecture_user,
                                                          municipal_user):
    meeting = make_meeting(prefecture_user, council)
    job = PacketJob.objects.create(meeting=meeting, requested_by=municipal_user)
    assert build_meeting_packet(job.pk) is False
    job.refresh_from_db()
    assert job.status == "failed" and "PermissionDenied" in job.error
