import pytest
from playwright.sync_api import expect

from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_all_reference_data()
    create_demo_users()


def log_in(visitor, username):
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_change_made_in_the_admin_shows_in_the_municipality_history(demo, visitor):
    page = visitor.page
    errors = []
    page.on("console", lambda message: errors.append((page.url, message.text))
            if message.type == "error" else None)
    log_in(visitor, "demo-admin")

    page.get_by_role("link", name="管理").click()
    visitor.check("admin-index")
    page.goto(visitor.base_url + "/admin/portal/municipality/?q=063657")
    page.get_by_role("link", name="063657").click()
    visitor.check("admin-municipality-change")
    page.get_by_label("よみがな").fill("おおくらむら（確認）")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("変更しました")

    page.goto(visitor.base_url + "/municipalities/063657/")
    history = page.get_by_role("region", name="変更履歴")
    newest = history.get_by_role("row").nth(1)
    expect(newest).to_contain_text("管理 太郎")
    expect(newest.locator("del")).to_have_text("おおくらむら")
    expect(newest.locator("ins")).to_have_text("おおくらむら（確認）")
    visitor.check("municipality-history")
    # Nothing on the portal's own pages was blocked by the Content-Security-Policy. (The
    # admin's bundled jQuery probes inline styles at start-up; blocking that probe is harmless.)
    assert [(url, text) for url, text in errors
            if "Content Security Policy" in text and "/admin/" not in url] == []


def test_a_locked_out_login_gets_a_clear_page(demo, visitor, settings):
    page = visitor.page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto(visitor.base_url + "/login/")
        page.get_by_label("ユーザー名").fill("demo-062014")
        page.get_by_label("パスワード").fill("wrong-password")
        page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログインがロックされています")
    visitor.check("login-locked")
