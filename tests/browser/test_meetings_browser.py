import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from devtools.demo.meetings import create_demo_councils
from devtools.demo.portal import DEMO_PASSWORD, create_demo_users
from portal.composition import load_all_reference_data

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


def test_a_liaison_room_rotates_two_members_changes_a_meeting_and_cancels_it(
        transactional_db, visitor, tasks_in_process):
    from django.core import mail
    from icalendar import Calendar

    from meetings.forms import next_rotation_day
    from meetings.models import Body
    from meetings.services import meeting_create, roster
    from portal.models import User
    from tests.factories import UserFactory

    load_all_reference_data()
    create_demo_users()
    create_demo_councils()
    room = User.objects.get(username="demo-murayama")
    body = Body.objects.get(kind=Body.Kind.REGIONAL, region__code="murayama")
    seats = list(roster(body, timezone.localdate()).filter(user__username__in=[
        "demo-062014", "demo-062103"]))
    assert len(seats) == 2
    successors = [UserFactory(organisation=seat.user.organisation, last_name="後任",
                              first_name=f"{index}号", username=f"successor-{index}")
                  for index, seat in enumerate(seats, start=1)]
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill("demo-murayama")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    page.goto(visitor.base_url + body.get_absolute_url())
    page.get_by_role("link", name="委員の管理・4月の異動").click()
    visitor.check("rotation")
    day = next_rotation_day()
    for seat, successor in zip(seats, successors, strict=True):
        name = seat.user.display_name
        page.get_by_role("combobox", name=f"{name}さんの後任").select_option(
            label=f"{successor.organisation} {successor.display_name}")
        page.get_by_label(f"{name}さんの引継ぎ日").fill(day.isoformat())
        page.get_by_role("button", name=f"{name}さんの席を引き継ぐ").click()
        expect(page.get_by_role("status")).to_contain_text(f"{successor.display_name}さんへ")
    visitor.check("rotation-done")
    last_day = day - datetime.timedelta(days=1)
    before = {(m.user_id, m.title) for m in roster(body, last_day)}
    after = {(m.user_id, m.title) for m in roster(body, day)}
    assert before - after == {(seat.user_id, seat.title) for seat in seats}
    assert after - before == {(s.pk, seat.title) for s, seat in zip(successors, seats,
                                                                   strict=True)}

    starts = (timezone.localtime() + datetime.timedelta(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    meeting = meeting_create(actor=room, body=body, values={
        "title": "地域の連携会議", "starts_at": starts,
        "ends_at": starts + datetime.timedelta(hours=2), "venue": "村山総合支庁",
        "online_url": ""}, agenda=["報告", "協議"])
    page.goto(visitor.base_url + meeting.get_absolute_url())
    page.get_by_role("button", name="委員に開催通知を送る").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert len(mail.outbox) == 1

    page.get_by_role("link", name="日時・会場・議題を変更").click()
    page.get_by_label("名称に含まれる語").fill("連携")
    page.get_by_role("button", name="検索", exact=True).click()
    page.get_by_label("新しい議題").fill("連携テーマの確認")
    page.get_by_role("button", name="議題を追加する").click()
    expect(page.get_by_role("row", name="連携テーマの確認")).to_be_visible()
    page.get_by_role("button", name=re.compile("^上へ.*連携テーマの確認$")).click()
    visitor.check("meeting-edit")
    later = starts + datetime.timedelta(hours=1)
    page.get_by_label("開始日時").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了日時").fill((later + datetime.timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M"))
    expect(page.get_by_label("変更を委員に通知する")).to_be_checked()
    page.get_by_role("button", name="変更を保存する").dblclick()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1回")
    expect(page.get_by_role("status")).to_contain_text("変更通知")
    visitor.check("meeting-changed")
    assert len(mail.outbox) == 2

    page.get_by_role("button", name="会議を中止する").click()
    expect(page.get_by_role("note")).to_contain_text("中止")
    visitor.check("meeting-cancelled")
    assert len(mail.outbox) == 3
    sequences = []
    for message in mail.outbox:
        calendar = Calendar.from_ical(message.attachments[0][1])
        sequences.append((str(calendar["METHOD"]), int(calendar.walk("VEVENT")[0]["SEQUENCE"])))
    assert sequences == [("REQUEST", 0), ("REQUEST", 1), ("CANCEL", 2)]
    assert "予定に追加" not in mail.outbox[2].body
    assert list(meeting.agenda.values_list("title", flat=True)) == [
        "報告", "連携テーマの確認", "協議"]


def test_a_liaison_room_runs_a_working_team_from_rotation_to_the_packet(
        transactional_db, visitor, tasks_in_process):
    """Done means, as a liaison room without the admin: a team with its theme, two seats
    rotated on 1 April, a meeting with agenda items linked by searching, the notice, one
    update, the cancellation, and the packet read back from the PDF."""
    import io

    from django.core import mail
    from pypdf import PdfReader

    from collaboration.models import Theme
    from meetings.forms import next_rotation_day
    from meetings.models import Body
    from meetings.services import roster
    from portal.models import Organisation
    from tests.collaboration.conftest import make_initiative
    from tests.factories import UserFactory
    from tests.surveys.conftest import make_survey

    load_all_reference_data()
    create_demo_users()
    create_demo_councils()
    Theme.objects.create(title="除雪の広域連携", description="除雪車と人員を市町村で融通する")
    make_initiative("除雪車の共同利用", codes=("062014",))
    make_survey()
    regional = Body.objects.get(kind=Body.Kind.REGIONAL, region__code="murayama")
    successors = [UserFactory(organisation=Organisation.objects.get(municipality__lg_code=code),
                              last_name="後任", first_name=f"{index}号",
                              username=f"team-successor-{index}")
                  for index, code in enumerate(("062014", "062103"), start=1)]
    page = visitor.page
    page.goto(visitor.base_url + "/login/")
    page.get_by_label("ユーザー名").fill("demo-murayama")
    page.get_by_label("パスワード").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="ログイン").click()

    page.goto(visitor.base_url + regional.get_absolute_url())
    page.get_by_role("link", name="ワーキングチームを設置").click()
    page.get_by_label("チーム名").fill("除雪連携ワーキングチーム")
    page.get_by_label("連携テーマ").select_option(label="除雪の広域連携")
    page.get_by_label("委員", exact=True).select_option(label=["山形市 企画担当",
                                                              "天童市 企画担当"])
    page.get_by_label("委員の役職").fill("除雪担当")
    visitor.check("team-new")
    page.get_by_role("button", name="チームを設置する").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("除雪連携ワーキングチーム")
    team = Body.objects.get(name="除雪連携ワーキングチーム")
    assert team.theme.title == "除雪の広域連携" and team.parent == regional

    page.get_by_role("link", name="委員の管理・4月の異動").click()
    day = next_rotation_day()
    for name, successor in zip(("山形市 企画担当", "天童市 企画担当"), successors, strict=True):
        page.get_by_role("combobox", name=f"{name}さんの後任").select_option(
            label=f"{successor.organisation} {successor.display_name}")
        page.get_by_label(f"{name}さんの引継ぎ日").fill(day.isoformat())
        page.get_by_role("button", name=f"{name}さんの席を引き継ぐ").click()
        expect(page.get_by_role("status")).to_contain_text(f"{successor.display_name}さんへ")
    visitor.check("team-rotation-done")
    last_day = day - datetime.timedelta(days=1)
    before = {m.user.username for m in roster(team, last_day)}
    after = {m.user.username for m in roster(team, day)}
    assert before == {"demo-062014", "demo-062103"}
    assert after == {"team-successor-1", "team-successor-2"}

    page.get_by_role("link", name="除雪連携ワーキングチーム").click()
    starts = (timezone.localtime() + datetime.timedelta(days=20)).replace(
        hour=10, minute=0, second=0, microsecond=0)
    page.get_by_label("表題").fill("除雪体制の検討")
    page.get_by_label("開始日時").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了日時").fill((starts + datetime.timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M"))
    page.get_by_label("会場").fill("村山総合支庁 第1会議室")
    page.get_by_label("議題（1行に1件）").fill("除雪協定の検討\n調査結果の報告\n先進事例の紹介")
    page.get_by_role("button", name="会議を作成する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1回")
    page.get_by_role("button", name="委員に開催通知を送る").click()
    expect(page.get_by_role("status")).to_be_visible()
    assert len(mail.outbox) == 1

    page.get_by_role("link", name="日時・会場・議題を変更").click()
    for words, item, target in (("除雪", "1. 除雪協定の検討", "連携テーマ：除雪の広域連携"),
                                ("ニーズ調査", "2. 調査結果の報告",
                                 "調査結果：令和8年度 連携課題・ニーズ調査"),
                                ("除雪車", "3. 先進事例の紹介", "取組み：除雪車の共同利用")):
        page.get_by_label("名称に含まれる語").fill(words)
        page.get_by_role("button", name="検索", exact=True).click()
        page.get_by_role("combobox", name="議題", exact=True).select_option(label=item)
        page.get_by_role("combobox", name="関連付け先", exact=True).first.select_option(
            label=target)
        page.get_by_role("button", name="関連付ける").click()
        expect(page.get_by_role("row", name=item.split(" ", 1)[1])).to_contain_text(
            target.split("：", 1)[1])
    visitor.check("team-meeting-edit")
    later = starts + datetime.timedelta(hours=1)
    page.get_by_label("開始日時").fill(later.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("終了日時").fill((later + datetime.timedelta(hours=2)).strftime(
        "%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="変更を保存する").dblclick()
    expect(page.get_by_role("status")).to_contain_text("変更通知")
    assert len(mail.outbox) == 2
    page.get_by_role("button", name="会議を中止する").click()
    expect(page.get_by_role("note")).to_contain_text("中止")
    assert len(mail.outbox) == 3
    visitor.check("team-meeting-cancelled")

    page.get_by_role("button", name="会議資料（PDF）を作成する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("会議資料")
    visitor.check("team-packet-report")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("をダウンロード$")).click()
    pdf = open(download.value.path(), "rb").read()
    text = "".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())
    for words in ("除雪連携ワーキングチーム", "第1回「除雪体制の検討」",
                  "この会議は中止になりました", "出席者名簿", "山形市除雪担当企画担当",
                  "資料1除雪協定の検討",
                  "連携テーマ：除雪の広域連携", "除雪車と人員を市町村で融通する",
                  "資料2調査結果の報告", "連携したい分野", "資料3先進事例の紹介",
                  "除雪車の共同利用", "配布資料一覧"):
        assert words in text, words
