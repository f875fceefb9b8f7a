import re
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from devtools.demo.collaboration import create_demo_initiatives
from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/themes")


@pytest.fixture
def demo(transactional_db):
    load_all_reference_data()
    create_demo_users()
    create_demo_initiatives()


def check(visitor, name):
    visitor.check(f"themes-{name}")
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / f"themes-{name}.png", SHOTS / f"{name}.png")


def log_in(page, base_url, username):
    page.goto(base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()


def test_prefecture_staff_create_move_and_link_a_theme(demo, visitor):
    from collaboration.models import Theme, ThemeStatusChange

    page = visitor.page
    log_in(page, visitor.base_url, "demo-pref")
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="連携テーマ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("連携テーマ")
    check(visitor, "list")

    page.get_by_role("link", name="新しい連携テーマ").click()
    page.get_by_label("名称").fill("水道施設の共同管理")
    page.get_by_label("内容").fill("置賜地域の浄水場を共同で管理する")
    page.get_by_role("group", name="分野").get_by_label("水道").check()
    page.get_by_label("地域", exact=True).select_option(label="置賜")
    check(visitor, "form")
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("水道施設の共同管理")
    expect(page.locator(".messages")).to_contain_text("連携テーマを保存しました。")
    expect(page.locator('[aria-current="step"]')).to_have_text("候補")
    theme = Theme.objects.get(title="水道施設の共同管理")

    page.get_by_label("新しい状況").select_option(label="協議中")
    page.get_by_label("メモ").fill("第2回推進会議で協議を始めることに決定")
    page.get_by_role("button", name="状況を変更").click()
    expect(page.locator(".messages")).to_contain_text("状況を「協議中」にしました。")
    expect(page.locator('[aria-current="step"]')).to_have_text("協議中")
    history = page.get_by_role("table", name="状況の経過")
    expect(history).to_contain_text("第2回推進会議で協議を始めることに決定")
    expect(history).to_contain_text("候補 → 協議中")
    assert ThemeStatusChange.objects.get(theme=theme).to_status == "discussion"
    check(visitor, "detail")

    page.get_by_role("link", name="取組みを結び付ける").click()
    page.get_by_label("キーワード").fill("水道")
    page.get_by_role("button", name="検索").click()
    first = page.get_by_role("region", name="取組みを探す").get_by_role(
        "button", name=re.compile("を結び付ける$")).first
    title = first.get_attribute("aria-label").removesuffix("を結び付ける")
    check(visitor, "link-search")
    first.click()
    expect(page.locator(".messages")).to_contain_text(f"「{title}」をテーマに結び付けました。")
    expect(page.get_by_role("region", name="生まれた取組み")).to_contain_text(title)
    assert list(theme.initiatives.values_list("title", flat=True)) == [title]
    check(visitor, "detail-linked")

    page.goto(visitor.base_url + "/themes/?status=discussion")
    expect(page.get_by_role("table")).to_contain_text("水道施設の共同管理")
    check(visitor, "list-filtered")

    page.goto(visitor.base_url + "/dashboard/")
    expect(page.get_by_role("heading", name="調査のニーズから取組みへ")).to_be_visible()
    check(visitor, "dashboard")


def test_a_liaison_room_proposes_a_theme_for_its_region(demo, visitor):
    from collaboration.models import Theme

    page = visitor.page
    log_in(page, visitor.base_url, "demo-mogami")
    page.goto(visitor.base_url + "/themes/")
    page.get_by_role("link", name="連携テーマを提案").click()
    expect(page.get_by_role("combobox", name="地域")).to_have_count(0)
    page.get_by_label("名称").fill("冬期の高齢者見守りの共同化")
    page.get_by_role("group", name="分野").get_by_label("福祉").check()
    check(visitor, "propose")
    page.get_by_role("button", name="提案する").click()

    expect(page.locator(".messages")).to_contain_text("連携テーマを提案しました。")
    expect(page.locator(".facts")).to_contain_text("最上")
    expect(page.locator('[aria-current="step"]')).to_have_text("候補")
    # A liaison room proposes; moving the theme along is for prefecture staff.
    expect(page.get_by_role("button", name="状況を変更")).to_have_count(0)
    theme = Theme.objects.get(title="冬期の高齢者見守りの共同化")
    assert (theme.region.code, theme.status) == ("mogami", "candidate")
    check(visitor, "proposed")
