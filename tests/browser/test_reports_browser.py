import pytest
from playwright.sync_api import expect

from devtools.demo.portal import DEMO_PASSWORD, create_demo_statistics, create_demo_users
from portal.composition import load_all_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_planner_asks_for_a_report_and_downloads_it(transactional_db, visitor,
                                                      tasks_in_process, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    load_all_reference_data()
    create_demo_users()
    create_demo_statistics()
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill("demo-pref")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="帳票").click()
    visitor.check("reports")
    form = page.locator("form", has=page.get_by_role("heading", name="市町村プロフィール（PDF）"))
    form.get_by_label("市町村").select_option(label="063657 大蔵村")
    form.get_by_role("button", name="作成する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("市町村プロフィール：大蔵村")
    expect(page.get_by_role("link", name="profile-063657.pdfをダウンロード")).to_be_visible(
        timeout=15000)
    visitor.check("report-done")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="profile-063657.pdfをダウンロード").click()
    content = open(download_info.value.path(), "rb").read()
    assert content.startswith(b"%PDF-")
