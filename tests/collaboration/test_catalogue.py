import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from collaboration.models import Category, Initiative, Method
from devtools.demo.collaboration import create_demo_initiatives

pytestmark = pytest.mark.django_db


def rows_shown(response) -> int:
    return response.content.decode().count('class="initiative"')


def listing(client, **query):
    return client.get(reverse("initiative_list"), query)


def test_the_catalogue_needs_a_login(client):
    assert listing(client).status_code == 302


def test_facet_counts_equal_the_rows_they_lead_to(client, municipal_user):
    create_demo_initiatives()
    client.force_login(municipal_user)
    page = listing(client, per_page=100).content.decode()
    links = re.findall(r'<a href="\?([^"]+)">[^<]+</a> \((\d+)\)', page)
    assert len(links) > 20
    for query, count in links:
        query = query.replace("&amp;", "&")
        response = client.get(reverse("initiative_list") + "?" + query + "&per_page=100")
        assert response.status_code == 200
        assert rows_shown(response) == int(count), query


def test_filters_combine_and_the_url_is_shareable(client, municipal_user, initiative_factory):
    initiative_factory("水道事業のあり方検討", category="I-1", methods=("助言・支援",))
    initiative_factory("水道の共同発注", category="I-2", methods=("事務や施設等の共同化",))
    initiative_factory("観光協議会", category="II-1", methods=("協議会",), fields=("観光",))
    client.force_login(municipal_user)
    method = Method.objects.get(name="事務や施設等の共同化")
    response = listing(client, q="水道", category="I-2", method=method.pk)
    assert rows_shown(response) == 1 and "水道の共同発注" in response.content.decode()
    assert rows_shown(listing(client, region="mogami")) == 0
    assert rows_shown(listing(client, region="murayama")) == 3


@pytest.mark.parametrize("query, message", [
    ({"category": "IX-9"}, "正しく選択してください"),
    ({"region": "tokyo"}, "正しく選択してください"),
    ({"page": "abc"}, "整数を入力してください"),
    ({"page": "0"}, "1 以上"),
    ({"per_page": "100000"}, "正しく選択してください"),
    ({"year": "1e309"}, ""),
    ({"sort": "password"}, "正しく選択してください"),
    ({"q": "あ" * 300}, "200 文字以下"),
])
def test_bad_parameters_get_a_400_with_a_message(client, municipal_user, query, message):
    client.force_login(municipal_user)
    response = listing(client, **query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_page_past_the_end_shows_the_last_page(client, municipal_user, initiative_factory):
    for number in range(3):
        initiative_factory(f"取組み{number}")
    client.force_login(municipal_user)
    response = listing(client, page=99, per_page=20)
    assert response.status_code == 200 and rows_shown(response) == 3


def test_the_number_of_queries_does_not_grow_with_the_page(client, municipal_user,
                                                             initiative_factory,
                                                             django_assert_num_queries):
    client.force_login(municipal_user)
    listing(client, per_page=100)  # warm caches (content types, sessions)
    initiative_factory("最初の取組み")  # and a change, so the page is built afresh
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        listing(client, per_page=100)
    for number in range(40):
        initiative_factory(f"取組み{number}", codes=("062014", "063657", "064611"),
                           methods=("協議会", "研究会"), fields=("観光", "防災"))
    with CaptureQueriesContext(connection) as large:
        response = listing(client, per_page=100)
    assert rows_shown(response) == 41
    assert len(large) == len(small) <= 30


def test_unpublished_proposals_stay_with_those_who_may_edit_them(client, users_by_role,
                                                                  initiative_factory):
    initiative_factory("大蔵村の提案", codes=("063657",), published=False)
    expected = {"prefecture": 1, "admin": 1, "other_municipal": 1, "branch": 0,
                "other_branch": 0, "municipal": 0}
    for role, count in expected.items():
        client.force_login(users_by_role[role])
        assert rows_shown(listing(client, q="提案")) == count, role


def test_csv_export_has_a_bom_and_the_current_result(client, municipal_user, initiative_factory):
    initiative_factory("水道事業のあり方検討", codes=("062014", "063657"))
    initiative_factory("観光協議会", fields=("観光",))
    client.force_login(municipal_user)
    response = client.get(reverse("initiative_export_csv"), {"q": "水道"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert table[0][:3] == ["ID", "名称", "区分"]
    assert len(table) == 2
    assert table[1][1] == "水道事業のあり方検討"
    assert table[1][6] == "山形市、大蔵村" and table[1][7] == '="062014 063657"'
    assert 'filename="initiatives-' in response["Content-Disposition"]


def test_xlsx_export_opens_in_a_spreadsheet(client, municipal_user, initiative_factory):
    initiative_factory("水道事業のあり方検討", start_year=2019)
    client.force_login(municipal_user)
    response = client.get(reverse("initiative_export_xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = workbook.active
    assert sheet["B1"].value == "名称" and sheet["B2"].value == "水道事業のあり方検討"
    assert sheet["L1"].value == "開始年度" and sheet["M1"].value == "開始年度（和暦）"
    assert sheet["L2"].value == 2019 and sheet["L2"].data_type == "n"
    assert sheet["M2"].value == "令和元年度 (2019)"


def test_csv_export_has_crlf_lines_and_a_number_for_the_fiscal_year(client, municipal_user,
                                                                     initiative_factory):
    initiative_factory("水道事業, \"広域\"", start_year=2025)
    client.force_login(municipal_user)
    body = b"".join(client.get(reverse("initiative_export_csv")).streaming_content)
    assert body.startswith("\ufeff".encode()) and body.count(b"\r\n") == 2
    assert b"\n" not in body.replace(b"\r\n", b"")
    table = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))
    assert table[0][11:13] == ["開始年度", "開始年度（和暦）"]
    assert table[1][1] == '水道事業, "広域"'  # RFC 4180 quoting
    assert table[1][11:13] == ["2025", "令和7年度 (2025)"]


def test_participants_come_one_municipality_per_row(client, municipal_user, initiative_factory):
    water = initiative_factory("水道事業のあり方検討", codes=("063657", "062014"))
    tourism = initiative_factory("観光協議会", codes=("062022",))
    client.force_login(municipal_user)
    response = client.get(reverse("initiative_export_participants_csv"))
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(body.lstrip("\ufeff"), newline="")))
    assert table[0] == ["ID", "名称", "団体コード", "市町村"]
    # 団体コード as ="062014", which spreadsheets read as the text 062014.
    assert sorted(table[1:]) == [[str(water.pk), "水道事業のあり方検討", '="062014"', "山形市"],
                                 [str(water.pk), "水道事業のあり方検討", '="063657"', "大蔵村"],
                                 [str(tourism.pk), "観光協議会", '="062022"', "米沢市"]]
    assert 'filename="initiative-participants-' in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(
        client.get(reverse("initiative_export_xlsx")).streaming_content)))
    long = [[c.value for c in row] for row in book["参加団体"].iter_rows()]
    assert long[0] == ["ID", "名称", "団体コード", "市町村"]
    assert sorted(long[1:]) == sorted([int(row[0]), row[1], row[2][2:-1], row[3]]
                                      for row in table[1:])
    assert all(row[2] and isinstance(row[2], str) for row in long[1:])  # text in the xlsx


def test_the_xlsx_export_is_finished_for_screen_and_print(client, municipal_user,
                                                         initiative_factory):
    initiative_factory("水道事業のあり方検討")
    initiative_factory("観光協議会")
    client.force_login(municipal_user)
    book = load_workbook(io.BytesIO(b"".join(
        client.get(reverse("initiative_export_xlsx")).streaming_content)))
    sheet = book.active
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:V3"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width
    assert max(d.width for d in sheet.column_dimensions.values()) <= 60
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToWidth == 1
    assert sheet.print_title_rows == "$1:$1" and "&P" in sheet.oddFooter.center.text


def test_the_matrix_counts_initiatives_by_category_and_method(client, municipal_user,
                                                               initiative_factory):
    initiative_factory("共同化1", category="I-2", methods=("事務や施設等の共同化",))
    initiative_factory("共同化2", category="I-2", methods=("事務や施設等の共同化", "研修"))
    client.force_login(municipal_user)
    page = client.get(reverse("initiative_matrix")).content.decode()
    method = Method.objects.get(name="事務や施設等の共同化")
    link = f"?category=I-2&amp;method={method.pk}\" aria-label=\"I-② × 事務や施設等の共同化：2件\""
    assert link in page
    assert page.count("matrix__main") == sum(
        category.main_methods.count() for category in Category.objects.all())


def test_every_category_lists_its_main_methods_as_in_the_policy():
    main = {c.code: sorted(m.name for m in c.main_methods.all())
            for c in Category.objects.all()}
    assert main["I-1"] == sorted(["助言・支援", "交流派遣", "研修"])
    assert main["II-2"] == sorted(["協議会", "研究会", "関係機関との連絡調整", "専門家派遣"])
    assert Initiative.Status.ACTIVE.label


def test_a_plain_search_includes_model_projects(client, municipal_user, initiative_factory):
    initiative_factory("水道のモデル事業", is_model=True)
    initiative_factory("水道の取組み")
    client.force_login(municipal_user)
    assert rows_shown(listing(client, q="水道")) == 2
    assert rows_shown(listing(client, q="水道", model="true")) == 1
