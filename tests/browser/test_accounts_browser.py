import datetime
import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data
from portal.models import Organisation, User
from portal.services.accounts import deactivate_due, next_april_first

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "Chokai-san-2236m"


@pytest.fixture
def demo(transactional_db, tasks_in_process, live_server, settings):
    load_all_reference_data()
    create_demo_users()
    settings.PORTAL_BASE_URL = live_server.url  # the links in the e-mails lead here


def log_in(page, base_url, username, password=DEMO_PASSWORD):
    page.goto(base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_prefecture_staff_invite_hand_over_and_deactivate(demo, visitor, browser):
    page, base = visitor.page, visitor.base_url
    log_in(page, base, "demo-pref")
    page.get_by_role("navigation", name="メインメニュー").get_by_role(
        "link", name="アカウント").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("アカウント")
    visitor.check("accounts-list")

    # Invite a municipal user; the e-mail's link lets them set their own password.
    page.get_by_role("link", name="招待する").click()
    visitor.check("accounts-invite")
    page.get_by_label("氏名").fill("新庄 一郎")
    page.get_by_label("メールアドレス").fill("ichiro@shinjo.example.jp")
    page.get_by_label("役割").select_option(label="市町村 企画担当")
    page.get_by_label("所属").select_option(label="新庄市")
    page.get_by_role("button", name="招待を送る").click()
    expect(page.locator(".messages")).to_contain_text("新庄 一郎さんを招待しました")
    [message] = mail.outbox
    assert message.to == ["ichiro@shinjo.example.jp"]
    link = re.search(r"http://\S+/invitation/\S+/", message.body).group(0)

    newcomer = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    visitor.page = newcomer
    newcomer.goto(link)
    expect(newcomer.get_by_text("ichiro@shinjo.example.jp")).to_be_visible()
    visitor.check("invitation-accept")
    newcomer.locator("#id_new_password1").fill(NEW_PASSWORD)
    newcomer.locator("#id_new_password2").fill(NEW_PASSWORD)
    newcomer.get_by_role("button", name="パスワードを設定").click()
    expect(newcomer.locator(".messages")).to_contain_text("パスワードを設定しました")
    log_in(newcomer, base, "ichiro@shinjo.example.jp", NEW_PASSWORD)
    expect(newcomer.locator(".site-user")).to_contain_text("新庄 一郎")
    newcomer.context.close()
    visitor.page = page

    # Hand the 大蔵村 account over on 1 April.
    page.goto(base + "/accounts/")
    page.get_by_role("link", name="大蔵村 企画担当").click()
    visitor.check("accounts-edit")
    page.get_by_role("link", name="後任者に引き継ぐ").click()
    april = next_april_first()
    expect(page.get_by_label("無効にする日")).to_have_value(april.isoformat())
    visitor.check("accounts-hand-over")
    page.get_by_label("後任者の氏名").fill("大蔵 次郎")
    page.get_by_label("後任者のメールアドレス").fill("jiro@okura.example.jp")
    page.get_by_role("button", name="後任者を招待").click()
    expect(page.locator(".messages")).to_contain_text("大蔵 次郎さんを招待しました")
    expect(page.get_by_role("row", name=re.compile("大蔵 次郎"))).to_contain_text("招待中")
    expect(page.get_by_role("row", name=re.compile("大蔵村 企画担当"))).to_contain_text(
        "から無効")
    visitor.check("accounts-list-after-hand-over")
    assert deactivate_due(april - datetime.timedelta(days=1)) == 0
    assert deactivate_due(april) == 1
    assert not User.objects.get(username="demo-063657").is_active
    assert User.objects.get(email="jiro@okura.example.jp").organisation.name == "大蔵村"

    # Deactivate someone who is logged in: they are logged out at once.
    theirs = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo").new_page()
    log_in(theirs, base, "demo-062014")
    expect(theirs.get_by_role("heading", level=1)).to_contain_text("山形市")
    page.goto(base + "/accounts/")
    page.get_by_role("link", name="山形市 企画担当").click()
    page.get_by_role("button", name="今すぐ無効にする").click()
    expect(page.locator(".messages")).to_contain_text("ログアウトされました")
    visitor.check("accounts-deactivated")
    theirs.reload()
    expect(theirs).to_have_url(re.compile(r"/login/"))
    theirs.context.close()


def test_a_liaison_room_cannot_invite_into_another_region_or_grant_the_administrator_role(
        demo, visitor):
    page, base = visitor.page, visitor.base_url
    log_in(page, base, "demo-murayama")
    page.goto(base + "/accounts/invite/")
    organisation = page.get_by_label("所属")
    expect(organisation.locator("option", has_text="山形市")).to_have_count(1)
    expect(organisation.locator("option", has_text="大蔵村")).to_have_count(0)
    expect(page.get_by_label("役割").locator("option", has_text="システム管理者")).to_have_count(0)
    visitor.check("accounts-invite-liaison")

    # Forged choices, as a hand-written request would send them, are refused.
    okura = Organisation.objects.get(municipality__lg_code="063657").pk
    page.get_by_label("氏名").fill("最上 一郎")
    page.get_by_label("メールアドレス").fill("ichiro@okura.example.jp")
    page.get_by_label("役割").select_option(label="市町村 企画担当")
    organisation.evaluate(
        f"s => {{ s.add(new Option('大蔵村', '{okura}')); s.value = '{okura}'; }}")
    page.get_by_role("button", name="招待を送る").click()
    expect(page.locator(".error-summary")).to_be_visible()
    visitor.check("accounts-invite-refused-region")

    yamagata = Organisation.objects.get(municipality__lg_code="062014").pk
    page.get_by_label("所属").select_option(str(yamagata))
    page.get_by_label("役割").evaluate(
        "s => { s.add(new Option('システム管理者', 'admin')); s.value = 'admin'; }")
    page.get_by_role("button", name="招待を送る").click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert not User.objects.filter(email="ichiro@okura.example.jp").exists()
    assert mail.outbox == []


def test_prefecture_pages_that_replace_the_admin(demo, visitor, tmp_path):
    page, base = visitor.page, visitor.base_url
    log_in(page, base, "demo-pref")
    page.goto(base + "/municipalities/")
    page.get_by_role("link", name="統計をCSVまたはExcelから取り込む").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("統計の取り込み")
    visitor.check("statistics-import")
    bad = tmp_path / "stats.csv"
    bad.write_text("lg_code,year,indicator,value,source,as_of\n062015,2025,population,1,s,"
                   "2025-10-01\n", encoding="utf-8-sig")
    page.get_by_label("統計ファイル").set_input_files(str(bad))
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".error-summary")).to_contain_text("2行目")
    visitor.check("statistics-import-problems")

    visitor.visit("/accounts/import/", "accounts-import")
    rows = tmp_path / "accounts.csv"
    rows.write_text("氏名,メールアドレス,役割,団体コード・組織\n,x,課長,999999\n",
                    encoding="utf-8-sig")
    page.get_by_label("アカウントの一覧").set_input_files(str(rows))
    page.get_by_role("button", name="取り込んで招待").click()
    expect(page.locator(".error-summary")).to_contain_text("2行目、A (氏名)列")
    visitor.check("accounts-import-problems")

    page.goto(base + "/initiatives/")
    page.get_by_role("link", name="体系（区分・手法・分野）の編集").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("推進方針の体系")
    visitor.check("framework")
    page.get_by_role("link", name="I-①", exact=False).first.click()
    visitor.check("framework-category")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".messages")).to_contain_text("を保存しました")
