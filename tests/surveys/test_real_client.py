"""A survey's raw answers and results workbook as LibreOffice reads them."""

import pytest
from django.urls import reverse

from tests.libreoffice import CSV_UTF8, convert, pdf_images, pdf_text
from tests.reports import ask, download
from tests.surveys.conftest import keys
from tests.surveys.test_board_and_results import answer

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


def test_libreoffice_reads_the_answers_csv_and_prints_the_results_workbook(
        client, survey, prefecture_user, tmp_path, office_profile, report_files,
        django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    fields, staff, number, _text = keys(survey)
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "足りている", number: "1250"})
    answer(survey, "063657", **{fields: ["水道"], staff: "不足している", number: "3"})
    client.force_login(prefecture_user)
    answers = tmp_path / "answers.csv"
    answers.write_bytes(client.get(reverse("survey_export_csv", args=[survey.pk])).content)
    (converted,) = convert([answers], "xlsx", tmp_path / "csv", office_profile,
                           infilter=CSV_UTF8)
    rows = [[cell for cell in row] for row in load_workbook(converted).active.iter_rows()]
    assert [cell.value for cell in rows[0][:2]] == ["団体コード", "市町村"]
    assert rows[1][1].value == "山形市"
    assert rows[1][3].is_date  # the submission time, read as a date and time
    assert 1250 in [cell.value for cell in rows[1]]
    report = ask(client, "survey_workbook", django_capture_on_commit_callbacks,
                 survey_id=str(survey.pk))
    workbook = tmp_path / "results.xlsx"
    workbook.write_bytes(download(client, report))
    (pdf,) = convert([workbook], "pdf", tmp_path / "pdf", office_profile)
    text = pdf_text(pdf)
    assert "連携したい分野" in text and "100.0%" in text and "50.0%" in text  # 水道, 防災
    assert survey.title in text  # the 説明 sheet
    assert pdf_images(pdf) == 2  # the two choice questions' charts
