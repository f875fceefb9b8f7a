"""The error pages pass axe-core and the Nu Html Checker like every other page."""

import pytest
from playwright.sync_api import expect

from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True),
              pytest.mark.urls("tests.portal.error_urls")]


def test_each_error_page_reads_well(transactional_db, visitor, settings):
    settings.DEBUG = False
    load_all_reference_data()
    create_demo_users()
    page = visitor.page
    visitor.visit("/no-such-page/", "error-404-anonymous", status=404)
    page.get_by_role("link", name="ログイン").click()
    page.get_by_label("ユーザー名").fill("demo-062014")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    visitor.visit("/no-such-page/", "error-404", status=404)
    expect(page.get_by_role("heading", level=1)).to_have_text("ページが見つかりません")
    visitor.visit("/test-errors/forbidden/", "error-403", status=403)
    visitor.visit("/test-errors/bad-request/", "error-400", status=400)
    visitor.visit("/test-errors/throttled/", "error-429", status=429)
    visitor.visit("/test-errors/broken/", "error-500", status=500)
    expect(page.get_by_role("heading", level=1)).to_have_text("システムエラーが発生しました")
    visitor.visit("/test-errors/database/", "error-503", status=503)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "ただいま一時的にご利用いただけません")
    page.get_by_role("link", name="ポータルのホームへ").click()
    expect(page.get_by_role("navigation", name="メインメニュー")).to_be_visible()

    icon = page.request.get(visitor.base_url + "/favicon.ico")
    assert icon.status == 200 and icon.headers["content-type"] == "image/x-icon"
