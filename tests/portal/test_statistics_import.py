import csv
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from portal.models import StatisticValue
from portal.services.statistics_import import StatisticsImportError, import_statistics

pytestmark = pytest.mark.django_db

HEADER = ["lg_code", "year", "indicator", "value", "source", "as_of"]
GOOD_ROWS = [
    ["062014", "2025", "population", "238,000", "山形県の人口と世帯数", "2025-10-01"],
    ["063657", "2025", "高齢化率（65歳以上）", "44.5", "山形県の人口と世帯数", "2025/10/01"],
    ["０６３６５７", "2025", "civil_engineers", "1", "定員管理調査", "2025-04-01"],
]


def csv_bytes(rows, encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows):
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_a_good_csv_with_bom_is_imported():
    result = import_statistics(content=csv_bytes([HEADER, *GOOD_ROWS]), filename="stats.csv")
    assert (result.created, result.updated) == (3, 0)
    figure = StatisticValue.objects.get(municipality__lg_code="063657", indicator="ageing_rate")
    assert figure.value == Decimal("44.5") and figure.as_of.isoformat() == "2025-10-01"
    assert not figure.is_demo


def test_a_shift_jis_csv_saved_by_excel_with_japanese_headings_is_imported():
    header = ["団体コード", "市町村名", "年", "指標", "値", "出典", "時点"]
    rows = [header, ["062014", "山形市", "2025", "人口", "238000", "住民基本台帳", "2025年10月1日"]]
    result = import_statistics(content=csv_bytes(rows, "cp932"), filename="統計.CSV")
    assert result.created == 1
    assert StatisticValue.objects.get().source == "住民基本台帳"


def test_a_good_xlsx_is_imported_with_numbers_and_dates_as_excel_stores_them():
    import datetime

    rows = [HEADER, ["062014", 2025, "population", 238000, "統計", datetime.datetime(2025, 10, 1)]]
    result = import_statistics(content=xlsx_bytes(rows), filename="stats.xlsx")
    assert result.created == 1
    assert StatisticValue.objects.get().value == 238000


def test_importing_again_updates_instead_of_duplicating():
    import_statistics(content=csv_bytes([HEADER, *GOOD_ROWS]), filename="a.csv")
    changed = [HEADER, ["062014", "2025", "population", "237500", "改訂版", "2025-10-01"]]
    result = import_statistics(content=csv_bytes(changed), filename="b.csv", is_demo=True)
    assert (result.created, result.updated) == (0, 1)
    figure = StatisticValue.objects.get(municipality__lg_code="062014", indicator="population")
    assert (figure.value, figure.source, figure.is_demo) == (237500, "改訂版", True)
    assert StatisticValue.objects.count() == 3


def test_a_bad_file_is_refused_as_a_whole_with_every_problem_placed():
    rows = [
        HEADER,
        GOOD_ROWS[0],
        ["062015", "2025", "population", "1000", "出典", "2025-10-01"],  # check digit
        ["062022", "20x5", "人口密度", "-3", "", "2025-13-01"],  # five bad cells
        ["062022", "2025", "ageing_rate", "120", "出典", "2025-10-01"],  # out of range
        ["062022", "2025", "population", "10.5", "出典\x07", "2025-10-01"],  # fraction, control
        GOOD_ROWS[0],  # row 7 repeats row 2
    ]
    with pytest.raises(StatisticsImportError) as error:
        import_statistics(content=csv_bytes([*rows]), filename="bad.csv")
    places = {(p.row, p.column) for p in error.value.problems}
    assert (3, "A (lg_code)") in places
    assert {(4, "B (year)"), (4, "C (indicator)"), (4, "D (value)"), (4, "E (source)"),
            (4, "F (as_of)")} <= places
    assert (5, "D (value)") in places
    assert {(6, "D (value)"), (6, "E (source)")} <= places
    assert (7, "") in places
    assert len(error.value.problems) == 10
    assert StatisticValue.objects.count() == 0


def test_a_missing_heading_is_reported_on_row_one():
    with pytest.raises(StatisticsImportError) as error:
        content = csv_bytes([["lg_code", "year", "value"], ["062014", "2025", "1"]])
        import_statistics(content=content, filename="x.csv")
    assert {(p.row, p.message) for p in error.value.problems} >= {
        (1, "見出し「indicator」がありません。")}


@pytest.mark.parametrize("content, filename", [
    (b"%PDF-1.7 not a table", "stats.pdf"),
    (b"lg_code,year\n", "stats.xlsx"),  # named .xlsx, is text
    (b"PK\x03\x04garbage", "stats.xlsx"),  # a zip, but no workbook
    (b"PK\x03\x04garbage", "stats.csv"),  # named .csv, is binary
    (b"", "stats.csv"),
])
def test_files_that_are_not_what_they_claim_are_refused(content, filename):
    with pytest.raises(StatisticsImportError):
        import_statistics(content=content, filename=filename)
    assert StatisticValue.objects.count() == 0


def test_the_command_imports_and_reports_problems(tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([HEADER, *GOOD_ROWS]))
    call_command("import_statistics", str(good))
    assert StatisticValue.objects.count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([HEADER, ["062015", "2025", "population", "1", "s", "2025-10-01"]]))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_statistics", str(bad))


def test_prefecture_staff_import_from_the_portal_page(client, prefecture_user):
    client.force_login(prefecture_user)
    url = reverse("statistics_import")
    assert url == "/municipalities/statistics/import/"
    assert url in client.get(reverse("municipality_list")).content.decode()
    assert client.get(url).status_code == 200
    upload = SimpleUploadedFile("stats.csv", csv_bytes([HEADER, *GOOD_ROWS]), "text/csv")
    response = client.post(url, {"file": upload})
    assert response.status_code == 302
    assert StatisticValue.objects.count() == 3


def test_the_page_shows_every_problem_with_a_400_and_saves_nothing(client, prefecture_user):
    client.force_login(prefecture_user)
    bad = csv_bytes([HEADER, GOOD_ROWS[0],
                     ["062015", "2025", "population", "x", "s", "2025-10-01"]])
    response = client.post(reverse("statistics_import"),
                           {"file": SimpleUploadedFile("bad.csv", bad, "text/csv")})
    assert response.status_code == 400
    page = response.content.decode()
    assert "3行目" in page and "A (lg_code)" in page
    assert "何も取り込んでいません" in page
    assert StatisticValue.objects.count() == 0


def test_the_page_refuses_oversized_files(client, prefecture_user, settings):
    settings.STATISTICS_UPLOAD_MAX_BYTES = 100
    client.force_login(prefecture_user)
    big = csv_bytes([HEADER] + [GOOD_ROWS[0]] * 10)
    response = client.post(reverse("statistics_import"),
                           {"file": SimpleUploadedFile("big.csv", big, "text/csv")})
    assert response.status_code == 400
    assert StatisticValue.objects.count() == 0


@pytest.mark.parametrize("role", ["municipal", "branch"])
def test_other_roles_cannot_reach_the_import(client, users_by_role, role):
    client.force_login(users_by_role[role])
    assert reverse("statistics_import") not in client.get(
        reverse("municipality_list")).content.decode()
    upload = SimpleUploadedFile("stats.csv", csv_bytes([HEADER, *GOOD_ROWS]), "text/csv")
    response = client.post(reverse("statistics_import"), {"file": upload})
    assert response.status_code == 403
    assert StatisticValue.objects.count() == 0
