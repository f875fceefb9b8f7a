"""The meeting packet is a report of the portal's pipeline: asked for from the meeting page,
built once, downloaded by the person who asked, failed with a reason people can read."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from collaboration.models import Initiative, Theme
from meetings import services
from meetings.models import Membership
from portal.lib.japanese import wareki_datetime
from portal.models import Report
from portal.services.attachments import attachment_create
from portal.tasks import build_report
from surveys.answer_form import OTHER
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


def flat(text: str) -> str:
    """The PDF's text without the line breaks a table cell adds."""
    return "".join(text.split())


def _download(client, report) -> bytes:
    response = client.get(reverse("report_download", args=[report.pk]))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


@pytest.fixture
def papers(council, prefecture_user, municipal_user):
    """A meeting whose agenda links a survey (every kind of answer), a theme and an
    initiative, with attendance taken and a document attached."""
    meeting = make_meeting(prefecture_user, council, title="連携テーマの決定")
    survey = make_survey()
    fields, staff, number, text = keys(survey)
    SurveyResponse.objects.create(
        survey=survey, municipality=municipality("062014"), status="submitted",
        answers={fields: ["水道"], staff: OTHER, f"{staff}_other": "保健師のみ不足",
                 number: "12", text: "除雪体制の共同化を望む"})
    initiative = make_initiative("買い物支援推進事業", category="II-3")
    theme = Theme.objects.create(title="専門人材の共同確保",
                                 description="技術職員を県と共同で確保する")
    theme.initiatives.add(initiative)
    first, second = meeting.agenda.all()
    services.agenda_link(actor=prefecture_user, item=first, link=survey)
    services.agenda_link(actor=prefecture_user, item=second, link=theme)
    services.agenda_add(actor=prefecture_user, meeting=meeting, title="先進事例の紹介",
                        link=Initiative.objects.get(pk=initiative.pk))
    seat = Membership.objects.get(body=council, user=municipal_user)
    services.attendance_record(actor=prefecture_user, meeting=meeting,
                               entries={seat.pk: ("proxy", "山形 次郎")})
    attachment_create(actor=prefecture_user, owner=meeting, title="参考：県の方針",
                      upload=SimpleUploadedFile("houshin.pdf", b"%PDF-1.7\n%%EOF\n"))
    return meeting


def test_the_packet_has_a_cover_the_roster_numbered_papers_every_answer_and_the_documents(
        client, papers, prefecture_user, municipal_user, django_capture_on_commit_callbacks):
    client.force_login(prefecture_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meeting_packet", args=[papers.pk]))
    report = Report.objects.get(kind="meeting_packet")
    assert response.url == report.get_absolute_url()
    assert report.status == "done" and report.params == {"meeting_id": papers.pk}
    assert report.filename == "会議資料_県・市町村連携推進会議_第1回.pdf"
    assert build_report(report.pk) is False  # built once: running it again does nothing

    pdf = _download(client, report)
    text = flat(text_of(pdf))
    when = flat(wareki_datetime(papers.starts_at))
    assert "(" in when and when in text  # 和暦 with the weekday
    chief = f"山形市企画担当課長{municipal_user.last_name}{municipal_user.first_name}"
    for words in ("県・市町村連携推進会議", "第1回「連携テーマの決定」", "県庁講堂", "次第",
                  "出席者名簿", chief, "代理出席（代理：山形次郎）", "資料1", "資料2", "資料3",
                  "資料1調査結果の報告", "連携したい分野", "水道",
                  "専門職員の状況", "その他", "保健師のみ不足",  # その他 in their words
                  "共同化したい事務の数", "合計12件", "除雪体制の共同化を望む",
                  "連携テーマ：専門人材の共同確保", "技術職員を県と共同で確保する",
                  "買い物支援推進事業", "資料3先進事例の紹介", "配布資料一覧",
                  "参考：県の方針", "houshin.pdf", "1/"):
        assert flat(words) in text, words
    assert municipal_user.username not in text  # people by name, never by user name
    assert any("IPAex" in name for name in fonts_of(pdf))


def test_asking_again_while_it_is_built_gives_the_same_report(client, papers, prefecture_user):
    client.force_login(prefecture_user)
    for _ in range(2):  # a double click: the first is still queued (no commit in this test)
        response = client.post(reverse("meeting_packet", args=[papers.pk]))
        assert response.status_code == 302
    assert Report.objects.filter(kind="meeting_packet").count() == 1
    page = client.get(reverse("meeting_detail", args=[papers.pk])).content.decode()
    assert "会議資料：" in page and Report.objects.get().get_absolute_url() in page


def test_a_member_gets_the_packet_without_the_results_the_member_may_not_see(
        client, papers, municipal_user, other_municipal_user,
        django_capture_on_commit_callbacks):
    client.force_login(other_municipal_user)  # not a member: the meeting does not exist
    assert client.post(reverse("meeting_packet", args=[papers.pk])).status_code == 404
    client.force_login(municipal_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meeting_packet", args=[papers.pk]))
    report = Report.objects.get(requested_by=municipal_user)
    text = flat(text_of(_download(client, report)))
    assert "出席者名簿" in text and "専門人材の共同確保" in text
    assert "保健師のみ不足" not in text and flat("集計結果を掲載します") in text
    client.force_login(other_municipal_user)  # another person's report is theirs alone
    assert client.get(reverse("report_download", args=[report.pk])).status_code == 404


def test_a_packet_of_a_meeting_no_longer_seen_fails_with_a_reason_and_can_be_retried(
        client, papers, council, municipal_user, django_capture_on_commit_callbacks):
    report = Report.objects.create(kind="meeting_packet", params={"meeting_id": papers.pk},
                                   title="会議資料", requested_by=municipal_user)
    # Off the body, and no attendance either: the meeting is out of the member's sight.
    papers.attendance.all().delete()
    Membership.objects.filter(body=council, user=municipal_user).delete()
    assert build_report(report.pk) is False
    report.refresh_from_db()
    assert report.status == "failed" and report.error == "会議がないか、閲覧できなくなりました。"
    Membership.objects.create(body=council, user=municipal_user, title="企画担当課長",
                              starts_on=timezone.localdate())
    client.force_login(municipal_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "done"


def test_a_meeting_packet_is_not_offered_on_the_reports_page(client, prefecture_user):
    client.force_login(prefecture_user)
    page = client.get(reverse("report_list")).content.decode()
    assert 'value="meeting_packet"' not in page
    refused = client.post(reverse("report_request"), {"kind": "meeting_packet",
                                                      "meeting_id": "x"}, follow=True)
    assert "会議を選んでください。" in refused.content.decode()
