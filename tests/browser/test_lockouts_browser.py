import pytest
from playwright.sync_api import expect

from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_all_reference_data()
    create_demo_users()


def attempt(visitor, username, password):
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(password)
    page.get_by_role("button", name="ログイン").click()


def test_prefecture_staff_lift_a_lock_and_the_person_logs_in(demo, visitor, settings):
    page = visitor.page
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(visitor, "demo-062014", "wrong-password")
    expect(page.get_by_role("heading", level=1)).to_have_text("ログインがロックされています")
    expect(page.get_by_role("link", name="メールでパスワードを再設定する")).to_be_visible()
    visitor.check("login-locked-account")

    attempt(visitor, "demo-pref", DEMO_PASSWORD)
    page.get_by_role("link", name="ログインのロック").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ログインのロック")
    row = page.get_by_role("row").filter(has_text="demo-062014")
    expect(row).to_contain_text("127.0.0.1")
    expect(row).to_contain_text("10")
    visitor.check("lockouts")
    row.get_by_role("button", name="demo-062014のロックを解除").click()
    expect(page.get_by_role("status")).to_contain_text("ロックを解除しました")
    visitor.check("lockouts-lifted")

    page.get_by_role("button", name="ログアウト").click()
    attempt(visitor, "demo-062014", DEMO_PASSWORD)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("ログインがロックされています")
    assert "/login/" not in page.url
