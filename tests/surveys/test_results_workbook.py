import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.reports import BAR_COLOUR, ask, colours, download, pictures
from tests.surveys.conftest import keys
from tests.surveys.test_board_and_results import answer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("report_files")]


def test_the_results_workbook_has_the_answers_and_a_chart_per_choice_question(
        client, survey, prefecture_user, django_capture_on_commit_callbacks):
    fields, staff, number, _text = keys(survey)
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "足りている", number: "3"})
    answer(survey, "063657", **{fields: ["水道"], staff: "不足している"})
    client.force_login(prefecture_user)
    report = ask(client, "survey_workbook", django_capture_on_commit_callbacks,
                 survey_id=str(survey.pk))
    assert report.status == "done", report.error
    book = load_workbook(io.BytesIO(download(client, report)))
    raw = [[cell.value for cell in row] for row in book.worksheets[0].iter_rows()]
    assert [row[:2] for row in raw[1:]] == [["062014", "山形市"], ["063657", "大蔵村"]]
    fields_sheet, staff_sheet, number_sheet, text_sheet, chosen, notes = book.worksheets[1:]
    counts = {row[0].value: row[1].value for row in fields_sheet.iter_rows(min_row=2)}
    assert counts["水道"] == 2 and counts["防災"] == 1
    assert notes.title == "説明" and notes["B2"].value == survey.title
    assert [[cell.value for cell in row] for row in chosen.iter_rows()] == [
        ["団体コード", "市町村", "設問", "回答"],
        ["062014", "山形市", "連携したい分野", "水道"],
        ["062014", "山形市", "連携したい分野", "防災"],
        ["063657", "大蔵村", "連携したい分野", "水道"]]
    for sheet in (fields_sheet, staff_sheet):
        (picture,) = pictures(sheet)
        assert BAR_COLOUR in colours(picture)
    assert pictures(number_sheet) == [] and pictures(text_sheet) == []


def test_the_quick_download_has_the_same_sheets_without_pictures(client, survey,
                                                                prefecture_user):
    fields, *_rest = keys(survey)
    answer(survey, "062014", **{fields: ["水道"]})
    client.force_login(prefecture_user)
    response = client.get(reverse("survey_export_xlsx", args=[survey.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert len(book.worksheets) == 7 and pictures(book.worksheets[1]) == []


def test_sheets_have_their_header_in_row_one_and_typed_cells(client, survey, prefecture_user):
    fields, staff, number, _text = keys(survey)
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "足りている", number: "1250"})
    answer(survey, "063657", **{fields: ["水道"], staff: "不足している", number: "3"})
    answer(survey, "062022", **{fields: ["観光"], staff: "不足している"})
    client.force_login(prefecture_user)
    book = load_workbook(io.BytesIO(client.get(
        reverse("survey_export_xlsx", args=[survey.pk])).content))
    raw, fields_sheet, _staff, number_sheet = book.worksheets[:4]
    assert raw["A1"].value == "団体コード" and raw.freeze_panes == "A2"
    assert raw["D2"].is_date and raw["D2"].number_format == "yyyy-mm-dd hh:mm"
    header = [cell.value for cell in fields_sheet[1]]
    assert header == ["連携したい分野", "市町村数", "割合"]
    shares = {row[0].value: row[2] for row in fields_sheet.iter_rows(min_row=2)}
    assert shares["水道"].value == pytest.approx(2 / 3)  # a fraction, shown as 66.7%
    assert shares["水道"].number_format == "0.0%"
    values = {row[0].value: row[1] for row in number_sheet.iter_rows(min_row=2)}
    assert values["山形市"].value == 1250 and values["山形市"].number_format == "#,##0"
    for sheet in book.worksheets:
        assert sheet.auto_filter.ref.startswith("A1:") and sheet.print_title_rows == "$1:$1"
        assert max(d.width for d in sheet.column_dimensions.values()) <= 60


def test_the_results_page_offers_the_workbook(client, survey, branch_user):
    client.force_login(branch_user)
    page = client.get(reverse("survey_results", args=[survey.pk])).content.decode()
    assert 'value="survey_workbook"' in page and f'value="{survey.pk}"' in page
