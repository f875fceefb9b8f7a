import io
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from devtools.demo.collaboration import create_demo_initiatives
from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_all_reference_data()
    create_demo_users()
    create_demo_initiatives()


def test_a_liaison_room_searches_filters_opens_and_downloads(demo, visitor):
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill("demo-mogami")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="連携の取組み").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("連携の取組み・先進事例")
    visitor.check("catalogue")

    # Half-width katakana and a two-character word, as people type them.
    page.get_by_label("キーワード").fill("水道")
    page.get_by_role("button", name="検索", exact=True).click()
    expect(page).to_have_url(re.compile(r"\?q=%E6%B0%B4%E9%81%93"))
    expect(page.locator(".initiative__title")).to_contain_text(["水道事業のあり方検討"])
    visitor.check("catalogue-search")

    page.goto(visitor.base_url + "/initiatives/")
    facet = page.get_by_role("region", name="区分")
    facet.get_by_role("link", name=re.compile("I-② 業務の効率化")).click()
    expect(page.locator(".results__count")).to_contain_text("件")
    count = int(re.search(r"\d+", page.locator(".results__count").inner_text()).group())
    expect(page.locator("li.initiative")).to_have_count(count)
    visitor.check("catalogue-filtered")

    page.locator(".initiative__title a").first.click()
    expect(page.get_by_role("heading", level=2, name="横展開")).to_be_visible()
    visitor.check("initiative-detail")

    page.go_back()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (xlsx)").click()
    workbook = load_workbook(io.BytesIO(open(download_info.value.path(), "rb").read()))
    assert workbook.active["B1"].value == "名称"
    assert workbook.active.max_row == count + 1

    page.goto(visitor.base_url + "/initiatives/matrix/")
    expect(page.get_by_role("table", name="区分・連携手法別の取組み数")).to_be_visible()
    # An empty cell shows a dot but is read as 0.
    empty = page.locator("td.num").filter(has_not=page.get_by_role("link")).first
    assert empty.aria_snapshot().startswith('- cell "0'), empty.aria_snapshot()
    visitor.check("matrix")

    page.goto(visitor.base_url + "/initiatives/new/")
    visitor.check("initiative-form")

    page.goto(visitor.base_url + "/dashboard/?measure=initiatives")
    expect(page.get_by_role("heading", name="市町村の連携のつながり")).to_be_visible()
    visitor.check("dashboard")


def test_the_spread_of_a_model_project_is_shown_on_the_map(demo, visitor):
    from collaboration.models import Initiative

    model = Initiative.objects.get(title="買い物支援推進事業")
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill("demo-pref")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.goto(visitor.base_url + f"/initiatives/{model.pk}/")
    page.get_by_role("link", name=re.compile("横展開の状況")).click()
    expect(page.locator("svg .tile--spread-adopted")).not_to_have_count(0)
    visitor.check("initiative-spread")
