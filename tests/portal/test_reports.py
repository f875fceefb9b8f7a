import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from portal.lib import reports
from portal.models import Report
from portal.tasks import build_report, clean_up_reports
from tests.collaboration.conftest import make_initiative
from tests.meetings.test_packet import fonts_of, text_of
from tests.reports import BAR_COLOUR, ask, colours, download, pictures

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_files")]




def test_a_municipality_profile_is_a_japanese_a4_pdf(client, municipal_user, pdf_ok,
                                                     django_capture_on_commit_callbacks):
    from devtools.demo.portal import create_demo_statistics

    create_demo_statistics()
    make_initiative("水道事業の広域連携", codes=("062014",))
    client.force_login(municipal_user)
    report = ask(client, "municipality_profile", django_capture_on_commit_callbacks,
                 lg_code="062014")
    assert report.status == "done" and report.progress == 100
    pdf = download(client, report)
    text = text_of(pdf)
    for words in ("山形市", "団体コード 062014", "人口", "デモ", "水道事業の広域連携", "1 / "):
        assert words in text, words
    assert any("IPAex" in font for font in fonts_of(pdf))


def test_the_annual_report_counts_and_charts_in_excel(client, prefecture_user,
                                                      django_capture_on_commit_callbacks):
    make_initiative("二〇二五年度に開始", start_year=2025, codes=("062014", "063657"))
    make_initiative("昔から継続", start_year=2019, codes=("064611",))
    make_initiative("終わった取組み", start_year=2018, end_year=2020)
    client.force_login(prefecture_user)
    report = ask(client, "annual_xlsx", django_capture_on_commit_callbacks, year="2025")
    book = load_workbook(io.BytesIO(download(client, report)))
    summary = {row[0].value: row[1].value for row in book["概要"].iter_rows(min_row=2)}
    assert summary == {"実施中の取組み": 2, "当該年度に開始": 1, "当該年度に完了": 0,
                       "状況が「実施中」": 2}
    regions = {row[0].value: row[1].value for row in book["地域別"].iter_rows(min_row=2)}
    assert regions == {"村山": 1, "最上": 1, "置賜": 0, "庄内": 1}
    shares = {row[0].value: row[2] for row in book["地域別"].iter_rows(min_row=2)}
    assert shares["村山"].value == pytest.approx(0.5) and shares["村山"].number_format == "0.0%"
    for sheet in ("地域別", "推移（グラフ）"):
        (picture,) = pictures(book[sheet])
        assert BAR_COLOUR in colours(picture), sheet  # the portal's own chart, as drawn
    # Header in row 1, the title in 「説明」; the trend chart prints alone on one page.
    assert [cell.value for cell in book["概要"][1]] == ["事項", "取組み数"]
    assert book["説明"]["A2"].value == "表題" and "令和7年度" in book["説明"]["B2"].value
    assert pictures(book["推移"]) == []
    chart = book["推移（グラフ）"]
    (picture,) = chart._images
    assert (picture.anchor._from.row, picture.anchor._from.col) == (0, 0)
    assert chart.page_setup.fitToWidth == chart.page_setup.fitToHeight == 1
    assert chart.page_setup.orientation == "landscape"
    for sheet in book.worksheets:
        assert all(cell.data_type != "s" or not str(cell.value).replace(",", "").isdigit()
                   for row in sheet.iter_rows() for cell in row), sheet.title  # no '250'
        if sheet is chart:
            continue
        assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1", sheet.title
        assert sheet.page_setup.fitToWidth == 1 and sheet.page_setup.fitToHeight == 0


def test_the_annual_report_as_pdf(client, prefecture_user, pdf_ok,
                                  django_capture_on_commit_callbacks):
    make_initiative("取組み", start_year=2025)
    client.force_login(prefecture_user)
    report = ask(client, "annual_pdf", django_capture_on_commit_callbacks, year="2025")
    text = text_of(download(client, report))
    assert "令和7年度 (2025)" in text and "区分 × 連携手法" in text


def test_asking_twice_while_one_is_queued_builds_one(client, prefecture_user):
    client.force_login(prefecture_user)
    for _ in range(2):
        client.post(reverse("report_request"), {"kind": "annual_xlsx", "year": "2025"})
    assert Report.objects.count() == 1  # still queued: no commit ran the task in this test


def test_a_failure_is_explained_and_can_be_retried(client, prefecture_user,
                                                   django_capture_on_commit_callbacks):
    client.force_login(prefecture_user)
    report = Report.objects.create(kind="no_longer_offered", title="古い種類",
                                   requested_by=prefecture_user)
    assert build_report(report.pk) is False
    report.refresh_from_db()
    assert report.status == "failed" and report.error
    page = client.get(report.get_absolute_url()).content.decode()
    assert "作成できませんでした" in page
    report.kind = "annual_xlsx"
    report.params = {"year": 2025}
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("report_retry", args=[report.pk]))
    report.refresh_from_db()
    assert report.status == "done"


def running(user, *, quiet_for=datetime.timedelta(0), attempts=1, status="running") -> Report:
    """A report a worker started (or one queued), last heard of ``quiet_for`` ago."""
    seen = timezone.now() - quiet_for
    return Report.objects.create(
        kind="annual_xlsx", params={"year": 2025}, title="t", requested_by=user, status=status,
        started_at=seen if status == "running" else None, heartbeat_at=seen,
        attempts=attempts if status == "running" else 0)


def test_a_report_being_built_is_not_built_twice(prefecture_user):
    report = running(prefecture_user, quiet_for=datetime.timedelta(seconds=10))
    assert build_report(report.pk) is False
    report.refresh_from_db()
    assert report.status == "running" and report.attempts == 1


def test_a_report_left_running_by_a_dead_worker_becomes_retryable(prefecture_user):
    report = Report.objects.create(kind="annual_xlsx", params={"year": 2025}, title="t",
                                   requested_by=prefecture_user, status="running",
                                   started_at=timezone.now() - datetime.timedelta(hours=1))
    clean_up_reports()
    report.refresh_from_db()
    assert report.status == "failed" and "もう一度依頼してください" in report.error


def test_the_message_of_a_killed_worker_builds_the_report_once_it_went_quiet(
        prefecture_user, settings):
    report = running(prefecture_user, quiet_for=datetime.timedelta(
        seconds=settings.REPORT_STALE_SECONDS + 1))
    assert build_report(report.pk) is True  # the redelivered message takes it over
    report.refresh_from_db()
    assert report.status == "done" and report.attempts == 2


def test_a_report_whose_worker_dies_every_time_is_not_started_again(prefecture_user,
                                                                     settings):
    report = running(prefecture_user, attempts=reports.MAX_ATTEMPTS, quiet_for=datetime.timedelta(
        seconds=settings.REPORT_STALE_SECONDS + 1))
    assert build_report(report.pk) is False
    report.refresh_from_db()
    assert report.status == "failed" and "範囲を絞って" in report.error


def test_the_clean_up_runs_every_minute():
    from django.conf import settings

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["report-clean-up"]["schedule"] <= 60
    assert schedule["outbox-relay"]["schedule"] <= 60


@pytest.mark.parametrize("status, quiet_setting", [("queued", "REPORT_QUEUED_STALE_SECONDS"),
                                                   ("running", "REPORT_STALE_SECONDS")])
def test_a_report_without_progress_for_the_stated_time_can_be_retried_and_asked_again(
        client, prefecture_user, settings, status, quiet_setting):
    quiet = datetime.timedelta(seconds=getattr(settings, quiet_setting) + 1)
    stuck = running(prefecture_user, quiet_for=quiet, status=status)
    client.force_login(prefecture_user)
    page = client.get(stuck.get_absolute_url()).content.decode()
    assert "もう一度作成する" in page and 'http-equiv="refresh"' not in page
    response = client.post(reverse("report_request"), {"kind": "annual_xlsx", "year": "2025"})
    again = Report.objects.exclude(pk=stuck.pk).get()  # a new one, not the stuck one
    assert response.url == again.get_absolute_url() and again.status == "queued"
    stuck.refresh_from_db()
    assert stuck.status == "failed" and stuck.error
    client.post(reverse("report_retry", args=[stuck.pk]))
    stuck.refresh_from_db()
    assert stuck.status == "queued" and stuck.attempts == 0 and not stuck.error


def test_a_stuck_report_can_be_retried_before_the_clean_up_ran(client, prefecture_user,
                                                                settings):
    stuck = running(prefecture_user, status="queued", quiet_for=datetime.timedelta(
        seconds=settings.REPORT_QUEUED_STALE_SECONDS + 1))
    fresh = running(prefecture_user, status="queued")
    client.force_login(prefecture_user)
    for report in (stuck, fresh):
        client.post(reverse("report_retry", args=[report.pk]))
        report.refresh_from_db()
    assert stuck.heartbeat_at > fresh.heartbeat_at  # queued afresh; the live one left alone


def test_a_queued_report_the_broker_lost_is_failed_by_the_clean_up(prefecture_user, settings):
    lost = running(prefecture_user, status="queued", quiet_for=datetime.timedelta(
        seconds=settings.REPORT_QUEUED_STALE_SECONDS + 1))
    waiting = running(prefecture_user, status="queued", quiet_for=datetime.timedelta(
        seconds=settings.REPORT_QUEUED_STALE_SECONDS - 30))
    assert clean_up_reports() == 1
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == "failed" and "もう一度依頼してください" in lost.error
    assert waiting.status == "queued"


def test_expired_files_are_cleaned_up(client, prefecture_user, tmp_path,
                                      django_capture_on_commit_callbacks):
    client.force_login(prefecture_user)
    report = ask(client, "annual_xlsx", django_capture_on_commit_callbacks, year="2025")
    stored = tmp_path / report.file.name
    assert stored.exists()
    Report.objects.filter(pk=report.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1))
    assert clean_up_reports() == 1
    assert not stored.exists() and not Report.objects.exists()


def test_only_the_requester_still_allowed_downloads(client, prefecture_user, branch_user,
                                                    django_capture_on_commit_callbacks):
    client.force_login(prefecture_user)
    report = ask(client, "annual_xlsx", django_capture_on_commit_callbacks, year="2025")
    url = reverse("report_download", args=[report.pk])
    client.force_login(branch_user)
    assert client.get(url).status_code == 404
    client.force_login(prefecture_user)
    prefecture_user.role = "municipal"  # moved to a role that may not see the report's data
    prefecture_user.is_staff = False
    prefecture_user.save()
    assert client.get(url).status_code == 404


def test_the_progress_page_follows_the_report(client, prefecture_user):
    report = Report.objects.create(kind="annual_xlsx", params={"year": 2025}, title="t",
                                   requested_by=prefecture_user, status="running",
                                   progress=40, started_at=timezone.now())
    client.force_login(prefecture_user)
    status = client.get(reverse("report_status", args=[report.pk])).json()
    assert status == {"status": "running", "label": "作成中", "progress": 40, "error": ""}
    page = client.get(report.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' in page and 'value="40"' in page


def test_unknown_kinds_and_bad_parameters_get_a_message(client, prefecture_user,
                                                        municipal_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("report_request"), {"kind": "annual_xlsx", "year": "x"},
                           follow=True)
    assert "年度を選んでください" in response.content.decode()
    response = client.post(reverse("report_request"), {"kind": "nope"}, follow=True)
    assert response.status_code == 200
    client.force_login(municipal_user)  # municipalities do not get the annual report
    assert client.post(reverse("report_request"), {"kind": "annual_xlsx", "year": "2025"}
                       ).status_code == 404
    assert reports.kind_of("annual_xlsx").allowed(municipal_user, None) is False
