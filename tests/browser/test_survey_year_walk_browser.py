"""The survey year in one walk, as the people who run it: prefecture staff build a survey with
every question type from the portal's pages (never the admin), import a second from Excel,
open both, extend a deadline and enter an answer on a municipality's behalf; a municipal chief
answers from the keyboard, takes the PDF for approval and submits; the results are published
and the municipality reads them. axe-core and the HTML checker pass on every page."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from devtools.demo.portal import create_demo_users
from portal.composition import load_all_reference_data
from portal.models import Attachment, AuditEntry
from surveys.models import DeadlineExtension, OpeningNotice, Question, Survey, SurveyResponse
from surveys.tasks import sweep_reminders
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_survey_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/surveywalk")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
TITLE = "令和9年度 連携課題・ニーズ調査"
SECOND = "令和9年度 追加調査"
# (type, question, extra fields by label): every type the builder offers, in answer order.
QUESTIONS = [
    ("single", "連携協定はありますか", {"選択肢（1行に1つ）": "はい\nいいえ"}),
    ("file", "協定書", {}),  # shown only for はい
    ("grid", "分野ごとの連携の必要性", {"表の行（1行に1つ）": "防災\n水道\n観光"}),
    ("display", "以下は任意の設問です。", {}),
    ("long_text", "県への要望", {"文字数の上限（短文・長文）": "100"}),
    ("short_text", "担当課", {}),
    ("multiple", "困りごと", {"選択肢（1行に1つ）": "人材\n財源\n情報"}),
    ("number", "専門職員の数", {"単位（数値の設問）": "人", "最小値（数値の設問）": "0",
                              "最大値（数値の設問）": "50"}),
    ("scale", "連携の満足度", {}),
    ("fields", "連携したい分野", {}),
    ("methods", "連携の方法", {}),
    ("ranking", "優先したい事務", {"選択肢（1行に1つ）": "除雪\n税務\n観光"}),
    ("date", "協議を始めたい日", {}),
]


def shot(visitor, name):
    """axe-core and the HTML checker on the page as it is, and its screenshot kept."""
    visitor.check(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(ARTIFACTS / f"{name}.png", SHOTS / f"{name}.png")


def tab_to(page, predicate: str, *, back=False, limit=120):
    """Presses Tab (or Shift+Tab) until the focused element satisfies ``predicate`` (a JS
    expression over ``el``); fails if it is never reached."""
    for _step in range(limit):
        page.keyboard.press("Shift+Tab" if back else "Tab")
        if page.evaluate(f"(el => !!({predicate}))(document.activeElement)"):
            return
    pytest.fail(f"never reached by the keyboard: {predicate}")


def jst(days, hour):
    local = timezone.localtime() + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=0).strftime("%Y-%m-%dT%H:%M")


def create_survey(visitor, title):
    page = visitor.page
    page.goto(visitor.base_url + "/surveys/")
    shot(visitor, "walk-surveys")
    page.get_by_role("link", name="新しい調査を作成").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("新しい調査")
    page.get_by_label("表題").fill(title)
    page.locator("#id_survey-fiscal_year").fill("2027")
    page.get_by_label("調査の目的").fill("県と市町村の連携課題を伺います。")
    # Opening tomorrow: 「今すぐ開始して送る」 opens it today.
    page.get_by_label("開始日時（日本時間）").fill(jst(1, 9))
    page.get_by_label("締切日時（日本時間）").fill(jst(14, 17))
    page.get_by_label("35市町村すべて").check()
    shot(visitor, f"walk-new-{len(Survey.objects.all())}")
    page.get_by_role("button", name="調査を作成する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("設問の編集")
    return Survey.objects.get(title=title)


def build_every_type(visitor):
    page = visitor.page
    page.get_by_label("節の見出し").fill("体制")
    page.get_by_role("button", name="節を追加する").click()
    add = page.get_by_role("link", name=re.compile("^設問を追加.*体制$"))
    for kind, text, extra in QUESTIONS:
        add.click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.get_by_label("形式").select_option(kind)
        page.locator("#id_text").fill(text)
        for label, value in extra.items():
            page.get_by_label(label).fill(value)
        if kind == "multiple":
            page.get_by_label("「その他」").check()
        if kind == "file":
            page.get_by_role("group", name="表示する条件").get_by_label(
                "連携協定はありますか：はい").check()
            shot(visitor, "walk-question-file-with-branch")
        if kind == "single":
            page.get_by_label("必須").check()
        if kind == "grid":
            shot(visitor, "walk-question-grid")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("設問の編集")
    expect(page.locator(".builder-questions > li .builder-question__text strong")).to_have_text(
        [text for _kind, text, _extra in QUESTIONS])
    expect(page.locator(".builder-outline, .builder__outline")).to_contain_text(
        "「連携協定はありますか」で「はい」と回答した場合のみ表示")
    expect(page.locator(".builder__preview")).to_contain_text("観光")
    shot(visitor, "walk-questions-built")


def import_from_excel(visitor, tmp_path):
    page = visitor.page
    page.get_by_role("link", name="Excelから設問を取り込む").click()
    shot(visitor, "walk-import")
    with page.expect_download() as template:
        page.get_by_role("link", name="ひな形をダウンロード（xlsx）").click()
    sheet = tmp_path / "questions.xlsx"
    template.value.save_as(sheet)
    page.get_by_label("設問のシート（.xlsx）").set_input_files(str(sheet))
    page.get_by_role("button", name="取り込む").click()
    expect(page.get_by_text(re.compile(r"\d+問を取り込みました"))).to_be_visible()
    shot(visitor, "walk-imported")


def open_now(visitor, survey, label):
    page = visitor.page
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
    shot(visitor, f"walk-detail-before-sending-{label}")
    page.get_by_label("今すぐ開始して送る").check()
    page.get_by_role("button", name="回答依頼を送る").click()
    expect(page.get_by_text("35市町村の担当者に回答依頼を送信しています")).to_be_visible()
    board = page.get_by_role("table").last
    expect(board).not_to_contain_text("送信待ち")
    expect(board).not_to_contain_text("開始待ち")
    shot(visitor, f"walk-board-sent-{label}")


def wait_for_draft(page, survey, lg_code, key, value, seconds=15):
    for _poll in range(seconds * 4):
        stored = SurveyResponse.objects.filter(survey=survey,
                                               municipality__lg_code=lg_code).first()
        if stored is not None and stored.answers.get(key) == value:
            return
        page.wait_for_timeout(250)
    pytest.fail(f"the draft never held {key}={value!r}")


def opening_mail(title):
    return [message for message in mail.outbox if title in message.subject]


def test_the_survey_year_walked_through_by_staff_and_a_municipal_chief(
        transactional_db, visitor, tasks_in_process, report_files, pdf_ok, tmp_path):
    load_all_reference_data()
    create_demo_users()
    page = visitor.page

    # Prefecture staff build the survey and import a second one, all from the portal.
    log_in(visitor, "demo-pref")
    survey = create_survey(visitor, TITLE)
    build_every_type(visitor)
    kinds = set(Question.objects.filter(section__survey=survey).values_list("kind", flat=True))
    assert kinds == set(Question.Kind.values)
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/edit/")
    shot(visitor, "walk-edit")
    second = create_survey(visitor, SECOND)
    import_from_excel(visitor, tmp_path)
    assert Question.objects.filter(section__survey=second).count() > 0

    # Both opened: each municipality's staff get one e-mail per survey, and only one.
    open_now(visitor, second, "imported")
    open_now(visitor, survey, "built")
    sweep_reminders()  # what beat runs every minute sends nothing more
    for title in (TITLE, SECOND):
        sent = opening_mail(title)
        assert len(sent) == 35
        assert len({address for message in sent for address in message.to}) == 35
    assert OpeningNotice.objects.filter(sent_at__isnull=False).count() == 70
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
    expect(page.get_by_text("35市町村のうち35市町村に送信しました")).to_be_visible()
    shot(visitor, "walk-detail-sent")

    # 米沢市's deadline extended; 大蔵村's answer, received on paper, entered with its file.
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/status/")
    page.get_by_role("link", name="期限延長 米沢市").click()
    page.get_by_label("理由").fill("議会日程のため")
    shot(visitor, "walk-extend")
    page.get_by_role("button", name="期限を延長する").click()
    expect(page.get_by_text("議会日程のため")).to_be_visible()
    page.get_by_role("link", name="代理入力 大蔵村").click()
    expect(page.get_by_role("note")).to_contain_text("代理入力")
    proxy_upload = page.get_by_label("協定書")
    expect(proxy_upload).to_be_hidden()
    page.get_by_role("group", name=re.compile("連携協定はありますか")).get_by_label("はい").check()
    expect(proxy_upload).to_be_visible()  # the branch shows on this page too
    paper = tmp_path / "協定書.pdf"
    paper.write_bytes(PDF)
    page.get_by_label("協定書").set_input_files(str(paper))
    shot(visitor, "walk-proxy")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("代理で提出しました")).to_be_visible()
    shot(visitor, "walk-proxy-submitted")
    okura = SurveyResponse.objects.get(survey=survey, municipality__lg_code="063657")
    assert okura.status == "submitted" and okura.proxy_organisation is not None
    assert Attachment.objects.get().name == "協定書.pdf"
    assert AuditEntry.objects.filter(note__contains="代理入力").exists()
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/responses/063657/")
    shot(visitor, "walk-proxy-answer")
    page.get_by_role("button", name="ログアウト").click()

    # 山形市's chief answers from the keyboard alone.
    log_in(visitor, "demo-062014")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/answer/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("山形市")
    upload = page.get_by_label("協定書")
    expect(upload).to_be_hidden()
    shot(visitor, "walk-answer")
    questions = {q.text: q for q in Question.objects.filter(section__survey=survey)}
    tab_to(page, "el.type === 'radio'")
    assert page.evaluate("document.activeElement.value") == "はい"
    page.keyboard.press("Space")
    expect(upload).to_be_visible()  # the branch shows
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == f"id_q{questions['協定書'].pk}_file"
    shot(visitor, "walk-answer-branch-shown")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("ArrowDown")  # いいえ
    expect(upload).to_be_hidden()  # and hides
    grid = questions["分野ごとの連携の必要性"]
    for row in (1, 2, 3):
        page.keyboard.press("Tab")  # the hidden file input is skipped
        assert page.evaluate("document.activeElement.name") == f"q{grid.pk}_g{row}"
        for _right in range(row):
            page.keyboard.press("ArrowRight")  # 防災 2, 水道 3, 観光 4
    tab_to(page, "el.tagName === 'TEXTAREA'")
    page.keyboard.type("除雪の共同化")
    expect(page.locator(f"#id_q{questions['県への要望'].pk}_count")).to_have_text("6 / 100 文字")
    expect(page.locator("#autosave-status")).to_contain_text("下書きを保存しました", timeout=10000)
    # The status may still read from an earlier save: wait for the last one to be stored.
    wait_for_draft(page, survey, "062014", f"q{questions['県への要望'].pk}", "除雪の共同化")
    shot(visitor, "walk-answer-typed")

    # The PDF for approval, reached by the keyboard too, holds the answer in Japanese.
    tab_to(page, "el.textContent.trim() === '決裁用PDFをダウンロード'", back=True)
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    approval = tmp_path / "approval.pdf"
    download.value.save_as(approval)
    shutil.copy(approval, SHOTS / "approval.pdf")
    assert approval.read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", str(approval), "-"], capture_output=True,
                          text=True, check=True).stdout
    for words in (TITLE, "山形市", "下書き", "連携協定はありますか", "いいえ", "除雪の共同化"):
        assert words in text.replace(" ", "").replace("\u3000", "") or words in text, words
    assert "協定書" not in text  # hidden by the branch, so not in the answer
    fonts = subprocess.run(["pdffonts", str(approval)], capture_output=True, text=True,
                           check=True).stdout
    assert "IPAexGothic" in fonts and " yes " in fonts  # the Japanese font, embedded

    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === '提出する'")
    page.keyboard.press("Enter")
    expect(page.get_by_text("回答を提出しました")).to_be_visible()
    shot(visitor, "walk-answer-submitted")
    yamagata = SurveyResponse.objects.get(survey=survey, municipality__lg_code="062014")
    assert yamagata.status == "submitted" and not yamagata.is_late
    assert yamagata.answers[f"q{questions['連携協定はありますか'].pk}"] == "いいえ"
    assert yamagata.answers[f"q{grid.pk}_g3"] == "4"
    page.get_by_role("link", name="決裁用に印刷").click()
    expect(page.get_by_text("提出済み").first).to_be_visible()
    shot(visitor, "walk-print")
    page.get_by_role("button", name="ログアウト").click()

    # Staff close, finalise and publish; the municipality reads the results.
    log_in(visitor, "demo-pref")
    for step in ("今すぐ締め切る", "集計を確定する", "結果を公開する"):
        page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
        page.get_by_role("link", name=step).click()
        shot(visitor, f"walk-confirm-{step}")
        page.get_by_role("button", name=step).click()
    expect(page.locator("[aria-current=step]")).to_have_text("結果公開")
    shot(visitor, "walk-published")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/results/")
    shot(visitor, "walk-results")
    page.get_by_role("button", name="ログアウト").click()

    log_in(visitor, "demo-062014")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
    page.get_by_role("link", name="公開された結果を見る").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("公開された結果")
    expect(page.locator("main")).to_contain_text("連携協定はありますか")
    grid_result = page.locator("section.result", has=page.get_by_role(
        "heading", name="分野ごとの連携の必要性"))
    expect(grid_result.get_by_role("table")).to_contain_text("観光")  # per row, not "none yet"
    shot(visitor, "walk-shared-results")
    assert DeadlineExtension.objects.get().municipality.lg_code == "062022"
    assert not any("/admin/" in url for url in visitor.checked + visitor.validated)
