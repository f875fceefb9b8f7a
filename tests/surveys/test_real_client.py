"""A survey's raw answers and results workbook as LibreOffice reads them."""

import pytest
from django.urls import reverse

from tests.libreoffice import (
    CSV_UTF8,
    convert,
    keep_for_looking,
    pdf_images,
    pdf_pages,
    pdf_text,
)
from tests.reports import ask, download
from tests.surveys.conftest import keys
from tests.surveys.test_board_and_results import answer, ranking_question

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


def test_libreoffice_reads_the_answers_csv_and_prints_the_results_workbook(
        client, survey, prefecture_user, tmp_path, office_profile, report_files,
        django_capture_on_commit_callbacks):
    from openpyxl import load_workbook

    fields, staff, number, _text = keys(survey)
    ranking = ranking_question(survey)
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "足りている", number: "1250",
                                f"q{ranking.pk}_r1": "財源"})
    answer(survey, "063657", **{fields: ["水道"], staff: "不足している", number: "3"})
    client.force_login(prefecture_user)
    answers = tmp_path / "answers.csv"
    answers.write_bytes(client.get(reverse("survey_export_csv", args=[survey.pk])).content)
    (converted,) = convert([answers], "xlsx", tmp_path / "csv", office_profile,
                           infilter=CSV_UTF8)
    # data_only: the value LibreOffice shows (a 団体コード cell is ="062014", shown as text).
    sheet = load_workbook(converted, data_only=True).active
    header = [cell.value for cell in sheet[1]]
    assert header[:3] == ["団体コード", "市町村", "状況"]
    rows = {row[0].value: dict(zip(header, row, strict=True))
            for row in sheet.iter_rows(min_row=2)}
    assert len(rows) == 35 and all(len(code) == 6 for code in rows)  # leading zeros kept
    assert all(row["団体コード"].data_type == "s" for row in rows.values())
    yamagata = rows["062014"]
    assert yamagata["市町村"].value == "山形市" and yamagata["状況"].value == "提出済み"
    assert rows["062022"]["状況"].value == "未着手"
    assert yamagata["提出日時"].is_date  # the submission time, read as a date and time
    assert yamagata["共同化したい事務の数（件）"].value == 1250
    assert yamagata["連携したい分野：水道"].value == 1
    assert yamagata["連携したい分野：観光"].value == 0
    report = ask(client, "survey_workbook", django_capture_on_commit_callbacks,
                 survey_id=str(survey.pk))
    workbook = tmp_path / "survey-results.xlsx"
    workbook.write_bytes(download(client, report))
    (pdf,) = convert([workbook], "pdf", tmp_path / "pdf", office_profile)
    keep_for_looking(converted, pdf)
    text = pdf_text(pdf)
    assert "連携したい分野" in text and "100.0%" in text and "50.0%" in text  # 水道, 防災
    assert "優先したい課題" in text and "得点" in text
    assert survey.title in text  # the 説明 sheet
    assert pdf_images(pdf) == 3  # the two choice questions' charts and the ranking's
    # Each chart prints beside its table on that sheet's one page: never cut by a page break.
    sheets = load_workbook(workbook).worksheets
    charted = [sheet for sheet in sheets if sheet._images]
    assert len(charted) == 3 and all(s.page_setup.orientation == "landscape" for s in charted)
    # The wide answers sheet prints over a few pages across, at a readable size.
    assert sheets[0].page_setup.fitToWidth > 1 and sheets[0].print_title_cols == "$A:$B"
    assert pdf_pages(pdf) <= len(sheets) + 6
