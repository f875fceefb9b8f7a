import re
import shutil
from pathlib import Path

import pytest
from django.core import mail
from playwright.sync_api import expect

from devtools.demo.portal import create_demo_users
from portal.composition import load_all_reference_data
from surveys.models import DeadlineExtension, SurveyResponse
from tests.browser.test_survey_browser import log_in
from tests.surveys.conftest import make_survey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path("/tmp/shots/surveyyear")


def shot(visitor, name):
    visitor.check(name)
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(Path(__file__).resolve().parents[2] / "test-artifacts" / f"{name}.png", SHOTS)


def test_the_survey_year_from_opening_to_published_results(transactional_db, visitor,
                                                           tasks_in_process):
    # No worker runs beside the live server: without tasks in process the e-mails would wait
    # in the broker, and the board would rightly say 「送信待ち」.
    load_all_reference_data()
    create_demo_users()
    survey = make_survey()
    page = visitor.page

    log_in(visitor, "demo-pref")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
    page.get_by_role("button", name="回答依頼を送る").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("回答状況")
    assert len(mail.outbox) == 35
    board_rows = page.get_by_role("table").last
    expect(board_rows).not_to_contain_text("送信待ち")
    expect(board_rows).not_to_contain_text("開始待ち")
    page.get_by_role("link", name="期限延長 米沢市").click()
    page.get_by_label("理由").fill("議会日程のため")
    shot(visitor, "year-extend")
    page.get_by_role("button", name="期限を延長する").click()
    expect(page.get_by_text("議会日程のため")).to_be_visible()
    shot(visitor, "year-board")
    page.get_by_role("link", name="代理入力 大蔵村").click()
    page.get_by_role("group", name=re.compile("連携したい分野")).get_by_label("防災").check()
    page.get_by_role("group", name=re.compile("専門職員の状況")).get_by_label(
        "不足している").check()
    shot(visitor, "year-proxy")
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("代理で提出しました")).to_be_visible()
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/remind/")
    shot(visitor, "year-remind-confirm")
    page.get_by_role("button", name="ログアウト").click()

    log_in(visitor, "demo-062014")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/answer/")
    page.get_by_role("group", name=re.compile("連携したい分野")).get_by_label("水道").check()
    page.get_by_role("group", name=re.compile("専門職員の状況")).get_by_label(
        "足りている").check()
    page.get_by_role("button", name="提出する").click()
    expect(page.get_by_text("回答を提出しました")).to_be_visible()
    page.get_by_role("link", name="決裁用に印刷").click()
    expect(page.get_by_text("提出済み").first).to_be_visible()
    shot(visitor, "year-print")
    page.get_by_role("button", name="ログアウト").click()

    log_in(visitor, "demo-pref")
    for step, button in (("今すぐ締め切る", "今すぐ締め切る"), ("集計を確定する", "集計を確定する"),
                         ("結果を公開する", "結果を公開する")):
        page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
        page.get_by_role("link", name=step).click()
        if step == "結果を公開する":
            shot(visitor, "year-publish-confirm")
        page.get_by_role("button", name=button).click()
    expect(page.locator("[aria-current=step]")).to_have_text("結果公開")
    shot(visitor, "year-detail-published")
    page.get_by_role("button", name="ログアウト").click()

    log_in(visitor, "demo-062014")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/")
    page.get_by_role("link", name="公開された結果を見る").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("公開された結果")
    shot(visitor, "year-shared-results")
    page.goto(visitor.base_url + f"/surveys/{survey.pk}/answer/")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="決裁用PDFをダウンロード").click()
    assert download_info.value.path().read_bytes().startswith(b"%PDF")
    shutil.copy(download_info.value.path(), SHOTS / "approval.pdf")
    assert DeadlineExtension.objects.get().municipality.lg_code == "062022"
    proxy = SurveyResponse.objects.get(municipality__lg_code="063657")
    assert proxy.proxy_organisation is not None and proxy.status == "submitted"
