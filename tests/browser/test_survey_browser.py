import io
import re
from importlib import import_module

import pytest
from django.conf import settings
from openpyxl import load_workbook
from playwright.sync_api import expect

from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data
from tests.reports import BAR_COLOUR, colours, pictures
from tests.surveys.conftest import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(visitor, username):
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_a_municipality_answers_and_the_board_turns_green(transactional_db, visitor,
                                                         report_files):
    load_all_reference_data()
    create_demo_users()
    survey = make_survey()
    page = visitor.page

    log_in(visitor, "demo-062014")
    page.get_by_role("link", name=re.compile("回答をお願いします")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("山形市")
    visitor.check("survey-answer")
    page.get_by_role("group", name=re.compile("連携したい分野")).get_by_label("水道").check()
    page.get_by_label("要望").fill("除雪の共同化を検討したい")
    expect(page.locator("#autosave-status")).to_contain_text("下書きを保存しました", timeout=8000)

    page.reload()  # nothing typed is lost
    expect(page.get_by_label("要望")).to_have_value("除雪の共同化を検討したい")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_role("alert").first).to_be_visible()  # a required answer is missing
    visitor.check("survey-answer-missing")
    page.get_by_role("group", name=re.compile("専門職員の状況")).get_by_label(
        "不足している").check()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("回答を提出しました")).to_be_visible()
    visitor.check("survey-answer-submitted")

    page.get_by_role("button", name="ログアウト").click()
    log_in(visitor, "demo-pref")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/status/")
    expect(page.locator("svg a[aria-label='山形市：提出済み']")).to_have_count(1)
    expect(page.locator("svg a[aria-label='山形市：提出済み'] rect")).to_have_css(
        "fill", "rgb(43, 110, 18)")
    visitor.check("survey-status")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/results/")
    visitor.check("survey-results")
    page.get_by_role("button", name="グラフ付きの集計表（Excel）を作成").click()
    link = page.get_by_role("link", name=f"survey-{survey.pk}-results.xlsxをダウンロード")
    expect(link).to_be_visible(timeout=15000)
    with page.expect_download() as download_info:
        link.click()
    book = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    assert BAR_COLOUR in colours(pictures(book.worksheets[2])[0])  # 専門職員の状況
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
    visitor.check("survey-detail")


def test_typing_survives_an_expired_session(transactional_db, visitor):
    from django.contrib.sessions.models import Session

    from surveys.models import SurveyResponse

    load_all_reference_data()
    create_demo_users()
    survey = make_survey()
    page = visitor.page
    log_in(visitor, "demo-062014")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/answer/")
    # The session expires while the page is open: gone from the database and its cache.
    engine = import_module(settings.SESSION_ENGINE)
    for key in Session.objects.values_list("session_key", flat=True):
        engine.SessionStore(key).delete()
    page.get_by_label("要望").fill("期限切れの間に入力した文章")
    expect(page.locator("#autosave-status")).to_contain_text("ログインの有効期限", timeout=8000)

    # Log in again elsewhere in the same browser (as another tab would), sharing its cookies.
    api = page.context.request
    login = api.get(visitor.base_url + "/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text()).group(1)
    api.post(visitor.base_url + "/login/", form={
        "csrfmiddlewaretoken": token, "username": "demo-062014", "password": DEMO_PASSWORD})

    page.get_by_label("要望").press("End")
    page.get_by_label("要望").type("。")
    expect(page.locator("#autosave-status")).to_contain_text("下書きを保存しました", timeout=8000)
    stored = SurveyResponse.objects.get(survey=survey)
    assert "期限切れの間に入力した文章。" in stored.answers.values()


@pytest.fixture
def two_staff_on_one_answer(transactional_db, browser, live_server, html_checker):
    """Two staff of 山形市 in two browsers, each on the answer page; every page either loads
    goes through the HTML checker."""
    from tests.browser.conftest import Visitor
    from tests.factories import UserFactory, municipality_org

    load_all_reference_data()
    create_demo_users()
    UserFactory(organisation=municipality_org("062014"), username="yamagata-2",
                last_name="山形", first_name="次郎")
    survey = make_survey()
    visitors = []
    for username in ("demo-062014", "yamagata-2"):
        context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo",
                                      viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        visitor = Visitor(context.new_page(), live_server.url, html_checker)
        log_in(visitor, username)
        visitor.page.goto(visitor.base_url + f"/surveys/{survey.pk}/answer/")
        visitors.append(visitor)
    yield survey, visitors
    for visitor in visitors:
        visitor.validate_served()


def saved(page):
    expect(page.locator("#autosave-status")).to_contain_text("下書きを保存しました", timeout=8000)


def test_two_staff_typing_in_different_questions_both_keep_their_text(two_staff_on_one_answer):
    from surveys.models import SurveyResponse
    from tests.surveys.conftest import keys

    survey, (first, second) = two_staff_on_one_answer
    try:
        first.page.get_by_label("要望").fill("除雪の共同化を検討したい")
        saved(first.page)
        second.page.get_by_label("共同化したい事務の数（件）").fill("4")  # a page opened before
        expect(second.page.locator("#autosave-status")).to_contain_text(
            "他の方がほかの設問に保存した変更も反映しました", timeout=8000)
        expect(second.page.get_by_label("要望")).to_have_value("除雪の共同化を検討したい")
        expect(second.page.locator(".conflict")).to_have_count(0)
        _fields, _staff, number, text = keys(survey)
        stored = SurveyResponse.objects.get(survey=survey).answers
        assert stored[text] == "除雪の共同化を検討したい" and stored[number] == "4"
    finally:
        for visitor in (first, second):
            visitor.page.context.close()


def test_two_staff_typing_in_the_same_question_see_both_texts_and_lose_nothing(
        two_staff_on_one_answer):
    from surveys.models import SurveyResponse
    from tests.surveys.conftest import keys

    survey, (first, second) = two_staff_on_one_answer
    _fields, _staff, _number, text = keys(survey)
    page = second.page
    try:
        first.page.get_by_label("要望").fill("第一の職員の文章")
        saved(first.page)
        page.get_by_label("要望").fill("第二の職員の文章")
        conflict = page.get_by_role("group", name="この設問は他の方も変更しました")
        expect(conflict).to_be_visible(timeout=8000)
        expect(conflict).to_contain_text("あなたの入力")
        expect(conflict.locator("[data-mine]")).to_have_text("第二の職員の文章")
        expect(conflict.locator("[data-theirs]")).to_have_text("第一の職員の文章")
        expect(conflict).to_contain_text("山形市 企画担当 さんが")  # the demo account's name
        second.check("survey-answer-conflict")
        assert SurveyResponse.objects.get(survey=survey).answers[text] == "第一の職員の文章"

        page.reload()  # the second person's text was never saved: the browser kept it
        expect(page.get_by_label("要望")).to_have_value("第二の職員の文章")
        conflict = page.get_by_role("group", name="この設問は他の方も変更しました")
        expect(conflict.locator("[data-theirs]")).to_have_text("第一の職員の文章")
        second.check("survey-answer-conflict-reloaded")

        conflict.get_by_role("button", name="あなたの入力を残す").click()
        saved(page)
        expect(page.locator(".conflict")).to_have_count(0)
        assert SurveyResponse.objects.get(survey=survey).answers[text] == "第二の職員の文章"
        assert page.evaluate("() => Object.keys(localStorage).length") == 0
        page.reload()
        expect(page.get_by_label("要望")).to_have_value("第二の職員の文章")
        second.check("survey-answer-after-conflict")
    finally:
        for visitor in (first, second):
            visitor.page.context.close()


def test_both_texts_can_be_combined_into_one(two_staff_on_one_answer):
    from surveys.models import SurveyResponse
    from tests.surveys.conftest import keys

    survey, (first, second) = two_staff_on_one_answer
    _fields, _staff, _number, text = keys(survey)
    page = second.page
    try:
        first.page.get_by_label("要望").fill("除雪の共同化")
        saved(first.page)
        page.get_by_label("要望").fill("保健師の相互応援")
        conflict = page.get_by_role("group", name="この設問は他の方も変更しました")
        conflict.get_by_role("button", name="両方の文章を入力欄に入れてまとめる").click()
        expect(page.get_by_label("要望")).to_have_value("保健師の相互応援\n除雪の共同化")
        expect(page.locator(".conflict")).to_have_count(0)
        page.get_by_label("要望").press("End")
        page.get_by_label("要望").type("（二つとも）")
        saved(page)
        stored = SurveyResponse.objects.get(survey=survey).answers[text]
        assert stored.replace("\r\n", "\n") == "保健師の相互応援\n除雪の共同化（二つとも）"
    finally:
        for visitor in (first, second):
            visitor.page.context.close()
