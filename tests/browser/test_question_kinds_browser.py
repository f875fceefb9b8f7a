import datetime
import re
import shutil
from pathlib import Path

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devtools.demo.portal import create_demo_users
from portal.composition import load_all_reference_data
from portal.models import Municipality
from surveys.models import Question, Section, Survey, SurveyResponse
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_survey_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path("/tmp/shots/questions")


def shot(visitor, name):
    visitor.check(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SHOTS / f"{name}.png")


def focused(page) -> str:
    return page.evaluate("document.activeElement.name || document.activeElement.id")


def test_staff_build_a_grid_a_file_answer_and_a_branch_that_a_chief_answers_by_keyboard(
        transactional_db, visitor, tasks_in_process, tmp_path):
    load_all_reference_data()
    create_demo_users()
    now = timezone.now()
    survey = Survey.objects.create(title="令和9年度 連携課題・ニーズ調査", fiscal_year=2027,
                                   opens_at=now - datetime.timedelta(days=1),
                                   deadline=now + datetime.timedelta(days=14))
    survey.municipalities.set(Municipality.objects.all())
    Section.objects.create(survey=survey, title="協定", order=1)
    page = visitor.page
    log_in(visitor, "demo-pref")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/questions/")

    add = page.get_by_role("link", name=re.compile("^設問を追加.*協定$"))
    add.click()
    page.get_by_label("形式").select_option("single")
    page.locator("#id_text").fill("連携協定はありますか")
    page.get_by_label("選択肢（1行に1つ）").fill("はい\nいいえ")
    page.get_by_role("button", name="保存").click()

    add.click()
    page.get_by_label("形式").select_option("file")
    page.locator("#id_text").fill("協定書")
    page.get_by_role("group", name="表示する条件").get_by_label(
        "連携協定はありますか：はい").check()
    shot(visitor, "question-file-with-condition")
    page.get_by_role("button", name="保存").click()

    add.click()
    page.get_by_label("形式").select_option("grid")
    page.locator("#id_text").fill("分野ごとの連携の必要性")
    page.get_by_label("表の行（1行に1つ）").fill("防災\n水道\n観光")
    page.get_by_role("button", name="保存").click()

    add.click()
    page.get_by_label("形式").select_option("long_text")
    page.locator("#id_text").fill("県への要望")
    page.get_by_label("文字数の上限（短文・長文）").fill("100")
    page.get_by_role("button", name="保存").click()

    expect(page.locator(".builder-questions > li .builder-question__text strong")).to_have_text(
        ["連携協定はありますか", "協定書", "分野ごとの連携の必要性", "県への要望"])
    expect(page.locator(".builder-outline, .builder__outline")).to_contain_text(
        "「連携協定はありますか」で「はい」と回答した場合のみ表示")
    expect(page.locator(".builder__preview")).to_contain_text("防災")
    shot(visitor, "survey-questions-new-kinds")
    file_question = Question.objects.get(text="協定書")
    assert file_question.kind == "file" and file_question.condition_values == ["はい"]
    assert Question.objects.get(kind="grid").rows == ["防災", "水道", "観光"]
    # A second survey from the Excel sheet: first a bad one, refused with where it is wrong.
    second = Survey.objects.create(title="令和9年度 追加調査", fiscal_year=2027,
                                   opens_at=now - datetime.timedelta(days=1),
                                   deadline=now + datetime.timedelta(days=14))
    page.goto(visitor.base_url + f"/surveys/{second.pk}/questions/")
    page.get_by_role("link", name="Excelから設問を取り込む").click()
    with page.expect_download() as template:
        page.get_by_role("link", name="ひな形をダウンロード（xlsx）").click()
    sheet = tmp_path / "questions.xlsx"
    template.value.save_as(sheet)
    workbook = openpyxl.load_workbook(sheet)
    workbook.active["C3"] = "なぞの形式"
    bad = tmp_path / "bad.xlsx"
    workbook.save(bad)
    page.get_by_label("設問のシート（.xlsx）").set_input_files(str(bad))
    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_role("alert")).to_contain_text("3行目、C（形式）列")
    shot(visitor, "questionnaire-import-refused")
    page.get_by_label("設問のシート（.xlsx）").set_input_files(str(sheet))
    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_text("6問を取り込みました")).to_be_visible()
    assert Question.objects.filter(section__survey=second).count() == 6
    page.get_by_role("button", name="ログアウト").click()

    log_in(visitor, "demo-062014")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/answer/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("山形市")
    upload = page.get_by_label("協定書")
    expect(upload).to_be_hidden()
    shot(visitor, "answer-branch-hidden")
    # From the heading on, by keyboard only: into the first question's radio group.
    page.locator("h1").click()
    for _step in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.type") == "radio":
            break
    assert page.evaluate("document.activeElement.value") == "はい"
    page.keyboard.press("Space")
    expect(upload).to_be_visible()
    page.keyboard.press("Tab")
    assert focused(page) == f"q{file_question.pk}_file"  # the shown question is next
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowDown")  # いいえ
    expect(upload).to_be_hidden()
    page.keyboard.press("Tab")
    grid = Question.objects.get(section__survey=survey, kind="grid")
    assert focused(page) == f"q{grid.pk}_g1"  # the hidden one is skipped
    page.keyboard.press("Space")
    text = page.get_by_label("県への要望")
    expect(page.locator(".char-count")).to_have_text("0 / 100 文字")
    text.focus()
    page.keyboard.type("除雪の共同化")
    expect(page.locator(".char-count")).to_have_text("6 / 100 文字")
    expect(page.locator("#autosave-status")).to_contain_text("下書きを保存しました", timeout=8000)
    shot(visitor, "answer-branch-shown-and-hidden")
    stored = SurveyResponse.objects.get(survey=survey)
    first = Question.objects.get(section__survey=survey, text="連携協定はありますか")
    assert stored.answers[f"q{first.pk}"] == "いいえ"
    assert stored.answers[f"q{grid.pk}_g1"] == "1"
