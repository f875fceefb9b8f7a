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
    codes = sorted(survey.municipalities.values_list("lg_code", flat=True))
    assert [row[0] for row in raw[1:]] == codes  # every target, in code order
    states = {row[0]: row[2] for row in raw[1:]}
    assert states["062014"] == states["063657"] == "提出済み" and states["062022"] == "未着手"
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
    assert [cell.value for cell in number_sheet[1]] == [
        "団体コード", "市町村", "共同化したい事務の数（件）"]
    values = {row[1].value: row[2] for row in number_sheet.iter_rows(min_row=2)}
    assert values["山形市"].value == 1250 and values["山形市"].number_format == "#,##0"
    assert number_sheet["A2"].value == "062014" and number_sheet["A2"].data_type == "s"
    for sheet in book.worksheets:
        assert sheet.auto_filter.ref.startswith("A1:") and sheet.print_title_rows == "$1:$1"
        assert max(d.width for d in sheet.column_dimensions.values()) <= 60


def test_the_results_page_offers_the_workbook(client, survey, branch_user):
    client.force_login(branch_user)
    page = client.get(reverse("survey_results", args=[survey.pk])).content.decode()
    assert 'value="survey_workbook"' in page and f'value="{survey.pk}"' in page


def test_the_raw_answers_list_every_target_with_its_state_typed_cells_and_0_1_columns(
        client, survey, prefecture_user):
    import csv
    import datetime

    from surveys.models import Question, Section

    fields, staff, number, text = keys(survey)
    scale = Question.objects.create(section=Section.objects.get(survey=survey), order=5,
                                    kind=Question.Kind.SCALE, text="連携の必要性")
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "足りている", number: "1250",
                                f"q{scale.pk}": "4"})
    answer(survey, "062022", late=True, **{fields: ["観光"], number: "2.5"})
    answer(survey, "062031", status="draft", **{fields: ["水道"], text: "下書きの要望"})
    answer(survey, "063657", status="returned", **{fields: ["水道"]})
    client.force_login(prefecture_user)
    book = load_workbook(io.BytesIO(client.get(
        reverse("survey_export_xlsx", args=[survey.pk])).content))
    raw = book.worksheets[0]
    header = [cell.value for cell in raw[1]]
    rows = {row[0].value: dict(zip(header, row, strict=True))
            for row in raw.iter_rows(min_row=2)}
    assert list(rows) == sorted(survey.municipalities.values_list("lg_code", flat=True))
    assert all(cell.data_type == "s" for cell in raw["A"][1:])  # 団体コード as text
    assert {code: rows[code]["状況"].value for code in ("062014", "062022", "062031",
                                                        "063657", "062073")} == {
        "062014": "提出済み", "062022": "期限後提出", "062031": "下書き", "063657": "差戻し",
        "062073": "未着手"}
    yamagata = rows["062014"]
    assert isinstance(yamagata["提出日時"].value, datetime.datetime)
    assert yamagata["共同化したい事務の数（件）"].value == 1250
    assert isinstance(yamagata["共同化したい事務の数（件）"].value, int)
    assert rows["062022"]["共同化したい事務の数（件）"].value == 2.5
    assert yamagata["連携の必要性"].value == 4 and yamagata["連携の必要性"].data_type == "n"
    assert yamagata["連携したい分野"].value == "水道、防災"
    assert [yamagata[f"連携したい分野：{name}"].value for name in ("水道", "防災", "観光")] == [
        1, 1, 0]
    assert rows["062022"]["連携したい分野：観光"].value == 1
    assert rows["062031"]["連携したい分野：水道"].value is None  # a draft is not shown
    assert "下書きの要望" not in [cell.value for cell in rows["062031"].values()]
    number_sheet = book.worksheets[3]
    assert [cell.value for cell in number_sheet["A"][1:]] == ["062014", "062022"]
    assert isinstance(number_sheet["C3"].value, float)
    body = client.get(reverse("survey_export_csv", args=[survey.pk])).content
    assert body.startswith("\ufeff".encode()) and b"\r\n" in body
    assert b"\n" not in body.replace(b"\r\n", b"")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert table[0] == header
    assert [row[0] for row in table[1:]] == [f'="{code}"' for code in rows]
    first = dict(zip(header, table[1], strict=True))
    assert first["連携したい分野：水道"] == "1" and first["連携したい分野：観光"] == "0"
    assert first["提出日時"].count(":") == 1


def test_a_ranking_sheet_has_counts_per_rank_and_the_score(client, survey, prefecture_user):
    from surveys.models import Question, Section

    question = Question.objects.create(
        section=Section.objects.get(survey=survey), order=5, kind=Question.Kind.RANKING,
        text="優先したい課題", choices=["人材", "財源"])
    key = f"q{question.pk}"
    answer(survey, "062014", **{f"{key}_r1": "財源", f"{key}_r2": "人材"})
    answer(survey, "062022", **{f"{key}_r1": "財源"})
    client.force_login(prefecture_user)
    book = load_workbook(io.BytesIO(client.get(
        reverse("survey_export_xlsx", args=[survey.pk])).content))
    sheet = book.worksheets[5]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["優先したい課題", "1位", "2位", "3位", "得点"], ["財源", 2, 0, 0, 6], ["人材", 0, 1, 0, 2]]
    notes = {row[0].value: row[1].value for row in book["説明"].iter_rows(min_row=2)}
    assert notes["得点"] == "順位の設問：1位3点、2位2点、3位1点。"
