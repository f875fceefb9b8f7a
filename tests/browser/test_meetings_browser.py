import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.demo import create_demo_councils
from portal.services.demo import DEMO_PASSWORD, create_demo_users
from portal.services.reference import load_all_reference_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_create_a_meeting_take_attendance_and_publish_minutes(transactional_db, visitor):
    load_all_reference_data()
    create_demo_users()
    create_demo_councils()
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill("demo-pref")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="会議").click()
    visitor.check("councils")
    page.get_by_role("link", name="県・市町村連携推進会議").click()
    visitor.check("council")
    starts = timezone.localtime() + datetime.timedelta(days=30)
    page.get_by_label("表題").fill("連携テーマの決定")
    page.get_by_label("開始日時").fill(starts.strftime("%Y-%m-%dT10:00"))
    page.get_by_label("終了日時").fill(starts.strftime("%Y-%m-%dT12:00"))
    page.get_by_label("会場").fill("県庁 502会議室")
    page.get_by_label("議題（1行に1件）").fill("調査結果の報告\n連携テーマの決定")
    page.get_by_role("button", name="会議を作成する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第2回")

    page.get_by_label("企画 花子の出欠").select_option(label="出席")
    page.get_by_label("山形市 企画担当の出欠").select_option(label="代理出席")
    page.get_by_label("山形市 企画担当の代理出席者").fill("山形 次郎")
    page.get_by_role("button", name="出欠を記録").click()
    expect(page.get_by_text("出欠を記録しました")).to_be_visible()
    visitor.check("meeting")

    # The action item's own label leads to its own field, not the attachment's title.
    actions = page.get_by_role("region", name="決定事項・対応事項")
    actions.get_by_role("textbox", name="決定事項・対応事項").fill("移住施策の共同発信")
    actions.get_by_role("button", name="追加", exact=True).click()
    expect(actions.get_by_role("cell", name="移住施策の共同発信")).to_be_visible()

    page.get_by_label("会議録", exact=True).fill("調査結果を報告し、連携テーマを決定した。")
    page.get_by_role("button", name="出席者に確認を依頼する").click()
    page.get_by_role("button", name="承認する").click()
    page.get_by_role("button", name="公開する").click()
    expect(page.get_by_role("heading", name="会議録")).to_contain_text("公開")
    visitor.check("meeting-published")

    page.goto(visitor.base_url + "/calendar/")
    expect(page.get_by_label("カレンダーのアドレス")).to_have_value(
        __import__("re").compile(r"/calendar/.+\.ics$"))
    visitor.check("calendar")
