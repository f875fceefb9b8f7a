import re

import pytest
from playwright.sync_api import expect

from devtools.demo.portal import DEMO_PASSWORD, create_demo_statistics, create_demo_users
from portal.composition import load_all_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db):
    load_all_reference_data()
    create_demo_users()
    create_demo_statistics()


def test_a_municipal_chief_logs_in_and_browses_the_35_in_japanese(demo, visitor, settings):
    settings.DEMO_MODE = True
    page = visitor.page
    visitor.visit("/login/", "login")
    expect(page.get_by_role("heading", name="ログイン", exact=True)).to_be_visible()
    page.get_by_label("ユーザー名").fill("demo-063657")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("大蔵村")
    visitor.check("home-municipal")

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="市町村").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("山形県の35市町村")
    expect(page.locator("svg .tile")).to_have_count(35)
    visitor.check("municipality-list")

    page.get_by_role("combobox", name="地図の色分け").select_option(label="高齢化率（65歳以上）")
    page.get_by_role("button", name="表示").click()
    expect(page).to_have_url(re.compile(r"\?colour=ageing_rate$"))
    expect(page.locator("svg .tile.tile--scale-5").first).to_be_visible()
    visitor.check("municipality-list-ageing-rate")
    page.get_by_role("combobox", name="地図の色分け").select_option(label="地域")
    page.get_by_role("button", name="表示").click()

    # Tiles are links a keyboard user reaches too; open 山形市 from the map.
    page.get_by_role("link", name="山形市：村山").click()
    expect(page).to_have_url(re.compile(r"/municipalities/062014/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("山形市")
    expect(page.get_by_text("デモ値").first).to_be_visible()
    expect(page.locator(".chart rect")).to_have_count(11)
    visitor.check("municipality-detail")


def test_prefecture_staff_see_their_attention_items_and_switch_to_english(demo, visitor):
    page = visitor.page
    visitor.visit("/login/", "login-prefecture")
    page.get_by_label("ユーザー名").fill("demo-pref")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", name="確認が必要なこと")).to_be_visible()
    expect(page.get_by_role("link", name="デモ値の統計を使用中")).to_be_visible()
    visitor.check("home-prefecture")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="What needs your attention")).to_be_visible()
    visitor.check("home-prefecture-en")


def test_prefecture_staff_see_a_municipalitys_answers_councils_and_survey_map(demo, visitor):
    from meetings.models import Body, Membership
    from portal.models import User
    from tests.meetings.conftest import APRIL_1
    from tests.surveys.conftest import keys, make_survey
    from tests.surveys.test_board_and_results import answer

    survey = make_survey()
    fields, staff, number, _text = keys(survey)
    answer(survey, "062014", **{fields: ["水道", "防災"], staff: "不足している", number: "4"})
    council = Body.objects.create(kind=Body.Kind.COUNCIL, name="県・市町村連携推進会議")
    Membership.objects.create(body=council, user=User.objects.get(username="demo-062014"),
                              title="企画調整課長", starts_on=APRIL_1)
    page = visitor.page
    visitor.visit("/login/", "login")
    page.get_by_label("ユーザー名").fill("demo-pref")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    visitor.visit("/municipalities/062014/", "municipality-detail-prefecture")
    expect(page.get_by_role("heading", name="調査への回答")).to_be_visible()
    expect(page.get_by_role("row", name=re.compile("専門職員の状況 不足している"))).to_be_visible()
    expect(page.get_by_role("heading", name="会議・ワーキングチーム")).to_be_visible()
    expect(page.get_by_text("企画調整課長")).to_be_visible()

    visitor.visit("/dashboard/?measure=survey_answers", "dashboard-survey-answers")
    expect(page.get_by_role("combobox", name="地図の色分け")).to_have_value("survey_answers")
