"""An anonymous visitor: the login page while the public site is off; once prefecture staff turn
it on, the public home, the catalogue, an initiative, the table, a spread map and the open data,
each checked with axe-core and the HTML checker."""

import shutil
from pathlib import Path

import pytest
from playwright.sync_api import expect

from collaboration import similarity
from collaboration.models import Initiative
from devtools.demo.collaboration import create_demo_initiatives
from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/public")


@pytest.fixture
def demo(transactional_db):
    load_all_reference_data()
    create_demo_users()
    create_demo_initiatives()
    similarity.rebuild_index()  # the initiative page shows its similar cases


def _keep(*names):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copy(ARTIFACTS / f"{name}.png", SHOTS / f"{name}.png")


def test_an_anonymous_visitor_reads_the_public_site_once_staff_turn_it_on(demo, visitor):
    page = visitor.page
    page.goto(visitor.base_url + "/initiatives/")
    expect(page).to_have_url(visitor.base_url + "/login/?next=/initiatives/")
    visitor.check("public-off-login")

    page.get_by_label("ユーザー名").fill("demo-pref")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.goto(visitor.base_url + "/settings/public-site/")
    visitor.check("public-site-settings")
    page.get_by_label("公開：公開済みの取組みを誰でも閲覧できる").check()
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_contain_text("公開サイトを公開しています。")
    page.get_by_role("button", name="ログアウト").click()

    visitor.visit("/", "public-home")
    expect(page.get_by_role("heading", level=1)).to_have_text("山形県の県・市町村連携")
    menu = page.get_by_role("navigation", name="メインメニュー")
    expect(menu.get_by_role("link", name="調査")).to_have_count(0)
    menu.get_by_role("link", name="連携の取組み").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("連携の取組み・先進事例")
    expect(page.get_by_text("未公開", exact=True)).to_have_count(0)
    visitor.check("public-catalogue")

    page.get_by_label("キーワード").fill("水道")
    page.get_by_role("button", name="検索", exact=True).click()
    expect(page.locator(".initiative__title").first).to_be_visible()
    page.locator(".initiative__title a").first.click()
    expect(page.get_by_role("heading", name="変更履歴")).to_have_count(0)
    expect(page.get_by_role("heading", name="ほかの地域の類似事例")).to_be_visible()
    expect(page.get_by_text("まだありません。")).to_have_count(0)
    visitor.check("public-initiative")

    model = Initiative.objects.filter(is_model=True, is_published=True).first()
    visitor.visit(f"/initiatives/{model.pk}/spread/", "public-spread")
    visitor.visit("/initiatives/matrix/", "public-matrix")
    visitor.visit("/opendata/", "public-opendata")
    expect(page.get_by_text("CC BY 4.0").first).to_be_visible()
    _keep("public-off-login", "public-site-settings", "public-home", "public-catalogue",
          "public-initiative", "public-spread", "public-matrix", "public-opendata")
