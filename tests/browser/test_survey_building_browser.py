import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from devtools.demo.portal import create_demo_users
from portal.composition import load_all_reference_data
from surveys.models import OpeningNotice, Survey
from tests.browser.test_survey_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_prefecture_staff_build_a_survey_and_ask_for_answers(transactional_db, visitor,
                                                             tasks_in_process):
    load_all_reference_data()
    create_demo_users()
    page = visitor.page
    log_in(visitor, "demo-pref")

    page.goto(visitor.base_url + "/surveys/")
    page.get_by_role("link", name="新しい調査を作成").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新しい調査")
    visitor.check("survey-new")
    page.get_by_label("表題").fill("令和9年度 連携課題・ニーズ調査")
    page.locator("#id_survey-fiscal_year").fill("2027")
    page.get_by_label("調査の目的").fill("県と市町村の連携課題を伺います。")
    page.get_by_label("開始日時（日本時間）").fill("2027-06-01T09:00")
    page.get_by_label("締切日時（日本時間）").fill("2027-06-30T17:00")
    page.get_by_label("35市町村すべて").check()
    page.get_by_label("5回目：締切からの日数").fill("3")
    page.get_by_role("row").nth(5).get_by_label("連携支援室にも送る").check()
    page.get_by_role("button", name="調査を作成する").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("設問の編集")
    survey = Survey.objects.get()
    assert survey.municipalities.count() == 35
    # The day after the deadline copies the liaison room by default; the new step as ticked.
    assert survey.reminder_plan == [-7, -3, -1, 1, 3] and survey.reminder_copies == [1, 3]
    page.get_by_label("節の見出し").fill("体制")
    page.get_by_role("button", name="節を追加する").click()
    page.get_by_role("link", name=re.compile("^設問を追加.*体制$")).click()
    visitor.check("survey-question-add")
    page.get_by_label("形式").select_option("single")
    page.locator("#id_text").fill("専門職員の状況")
    page.get_by_label("選択肢（1行に1つ）").fill("足りている\n不足している")
    page.get_by_label("「その他」").check()
    page.get_by_role("button", name="保存").click()
    page.get_by_role("link", name=re.compile("^設問を追加.*体制$")).click()
    page.get_by_label("形式").select_option("number")
    page.locator("#id_text").fill("専門職員の数")
    page.get_by_label("単位（数値の設問）").fill("人")
    page.get_by_role("button", name="保存").click()

    questions = page.locator(".builder-questions > li .builder-question__text strong")
    expect(questions).to_have_text(["専門職員の状況", "専門職員の数"])
    # Reordered from the keyboard: the button is reached and pressed without the mouse.
    down = page.get_by_role("button", name=re.compile("^下へ.*専門職員の状況$"))
    down.focus()
    page.keyboard.press("Enter")
    expect(questions).to_have_text(["専門職員の数", "専門職員の状況"])
    # It reached the bottom: the focus waits on its other button, ready for the next press.
    expect(page.get_by_role("button", name=re.compile("^上へ.*専門職員の状況$"))).to_be_focused()
    page.keyboard.press("Enter")
    expect(questions).to_have_text(["専門職員の状況", "専門職員の数"])
    expect(page.get_by_role("button", name=re.compile("^上へ.*専門職員の状況$"))).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^下へ.*専門職員の状況$"))).to_be_focused()
    preview = page.locator(".builder__preview")
    expect(preview.get_by_role("group", name=re.compile("専門職員の状況"))).to_contain_text(
        "その他")
    visitor.check("survey-questions")

    page.get_by_role("link", name="市町村の画面で確認（プレビュー）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("令和9年度 連携課題・ニーズ調査")
    expect(page.locator(".preview")).to_contain_text("専門職員の数")
    visitor.check("survey-preview")
    page.get_by_label("今すぐ開始して送る").check()
    page.get_by_role("button", name="回答依頼を送る").click()
    expect(page.get_by_text("35市町村の担当者に回答依頼を送信しています")).to_be_visible()
    assert len(mail.outbox) == 35
    assert OpeningNotice.objects.filter(survey=survey, sent_at__isnull=False).count() == 35
    expect(page.get_by_role("table").last).not_to_contain_text("未送信")
    visitor.check("survey-status-requested")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/edit/")
    visitor.check("survey-edit")
