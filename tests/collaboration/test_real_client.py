"""The catalogue export and the annual report as LibreOffice reads them."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests.collaboration.conftest import make_initiative
from tests.libreoffice import CSV_UTF8, convert, keep_for_looking, pdf_pages, pdf_text
from tests.reports import ask, download

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_libreoffice_reads_the_catalogue_csv_files_as_utf8_with_typed_cells(
        client, municipal_user, tmp_path, office_profile):
    make_initiative("置賜地域の広域観光「やまがた」連携, 第2期", start_year=2025,
                    codes=("062022", "063657", "062014"))
    client.force_login(municipal_user)
    catalogue = tmp_path / "catalogue.csv"
    catalogue.write_bytes(body(client.get(reverse("initiative_export_csv"))))
    participants = tmp_path / "participants.csv"
    participants.write_bytes(body(client.get(reverse("initiative_export_participants_csv"))))
    converted = convert([catalogue, participants], "xlsx", tmp_path / "out", office_profile,
                        infilter=CSV_UTF8)
    sheet = load_workbook(converted[0]).active
    header = [cell.value for cell in sheet[1]]
    assert header[:2] == ["ID", "名称"]  # the BOM is not read as part of the first name
    row = {name: cell for name, cell in zip(header, sheet[2], strict=True)}
    assert row["名称"].value == "置賜地域の広域観光「やまがた」連携, 第2期"
    assert row["参加市町村"].value == "山形市、米沢市、大蔵村"
    assert row["開始年度"].value == 2025 and row["開始年度"].data_type == "n"
    assert row["開始年度（和暦）"].value == "令和7年度 (2025)"
    assert row["ID"].data_type == "n" and sheet.max_row == 2
    # With the default column type "Standard" too, 団体コード stays the text with its 0.
    shown = load_workbook(converted[0], data_only=True).active
    codes = shown.cell(row=2, column=header.index("団体コード") + 1)
    assert (codes.value, codes.data_type) == ("062014 062022 063657", "s")
    long_sheet = load_workbook(converted[1], data_only=True).active
    long = [[cell.value for cell in line] for line in long_sheet]
    assert long[0] == ["ID", "名称", "団体コード", "市町村"]
    assert [(line[2], line[3]) for line in long[1:]] == [
        ("062014", "山形市"), ("062022", "米沢市"), ("063657", "大蔵村")]
    assert {line[2].data_type for line in long_sheet.iter_rows(min_row=2)} == {"s"}


def test_libreoffice_prints_the_catalogue_and_the_annual_report_in_japanese(
        client, prefecture_user, tmp_path, office_profile, report_files,
        django_capture_on_commit_callbacks):
    for number in range(1, 4):
        make_initiative(f"最上地域定住自立圏における医療・福祉・子育て支援の広域連携 第{number}期",
                        start_year=2019 + number, codes=("063657", "063665", "063673"))
    client.force_login(prefecture_user)
    catalogue = tmp_path / "catalogue.xlsx"
    catalogue.write_bytes(body(client.get(reverse("initiative_export_xlsx"))))
    report = ask(client, "annual_xlsx", django_capture_on_commit_callbacks, year="2025")
    annual = tmp_path / "annual.xlsx"
    annual.write_bytes(download(client, report))
    assert load_workbook(io.BytesIO(annual.read_bytes()))  # openpyxl reads it back too
    catalogue_pdf, annual_pdf = convert([catalogue, annual], "pdf", tmp_path / "out",
                                        office_profile)
    keep_for_looking(catalogue_pdf, annual_pdf)
    text = pdf_text(catalogue_pdf)
    assert "最上地域定住自立圏" in text and "参加団体" not in text.splitlines()[0]
    assert "開始年度（和暦）" in text and "令和4年度 (2022)" in text
    assert re.search(r"1\s*/\s*2", text)  # the page-number footer, two pages
    annual_text = pdf_text(annual_pdf)
    for heading in ("実施中の取組み", "村山", "区分", "モデル事業", "表題"):
        assert heading in annual_text, heading
    assert pdf_pages(annual_pdf) >= 6  # one sheet or more per page, the chart on its own
