"""Changing a meeting from the portal: time and place with one update per version, the agenda,
cancelling, and what the minutes' steps say."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.models import Body, Meeting, MeetingNotice, Membership
from portal.models import Region
from tests.collaboration.conftest import make_initiative
from tests.meetings.conftest import APRIL_1, make_meeting
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

LOCAL = "%Y-%m-%dT%H:%M"


@pytest.fixture
def regional(db, branch_user, municipal_user):
    body = Body.objects.create(kind=Body.Kind.REGIONAL, name="村山地域 連携推進体制",
                               region=Region.objects.get(code="murayama"))
    for user in (branch_user, municipal_user):
        Membership.objects.create(body=body, user=user, title="委員", starts_on=APRIL_1)
    return body


def _form(meeting, hours=0, **extra):
    starts = timezone.localtime(meeting.starts_at) + datetime.timedelta(hours=hours)
    ends = timezone.localtime(meeting.ends_at) + datetime.timedelta(hours=hours)
    return {"title": meeting.title, "starts_at": starts.strftime(LOCAL),
            "ends_at": ends.strftime(LOCAL), "venue": meeting.venue,
            "online_url": meeting.online_url, **extra}


def _ics(message):
    name, content, mimetype = message.attachments[0]
    calendar = Calendar.from_ical(content)
    return calendar, calendar.walk("VEVENT")[0]


def test_a_changed_time_after_the_notice_goes_once_per_version_then_cancel_says_cancelled(
        client, regional, branch_user, municipal_user, django_capture_on_commit_callbacks):
    meeting = make_meeting(branch_user, regional)
    client.force_login(branch_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meeting_announce", args=[meeting.pk]))
    assert len(mail.outbox) == 1
    url = reverse("meeting_edit", args=[meeting.pk])
    page = client.get(url).content.decode()
    assert "変更を委員に通知する" in page

    changed = _form(meeting, hours=1, send_update="on")
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, changed)
        second = client.post(url, changed)  # a double click
    assert first.status_code == second.status_code == 302
    assert len(mail.outbox) == 2
    assert "変更" in mail.outbox[1].subject
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meeting_cancel", args=[meeting.pk]))
        client.post(reverse("meeting_cancel", args=[meeting.pk]))
    assert response.status_code == 302 and len(mail.outbox) == 3

    parsed = [_ics(message) for message in mail.outbox]
    assert [int(event["SEQUENCE"]) for _cal, event in parsed] == [0, 1, 2]
    assert [str(cal["METHOD"]) for cal, _event in parsed] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({str(event["UID"]) for _cal, event in parsed}) == 1
    # The form's times are to the minute.
    assert parsed[1][1].decoded("DTSTART") - parsed[0][1].decoded("DTSTART").replace(
        second=0) == datetime.timedelta(hours=1)
    cancel = mail.outbox[2]
    assert "中止" in cancel.subject and "この会議は中止になりました。" in cancel.body
    assert "予定に追加" not in cancel.body and "予定に追加" not in cancel.alternatives[0][0]
    assert "予定を取り消せます" in cancel.body
    assert list(MeetingNotice.objects.filter(meeting=meeting).values_list(
        "sequence", flat=True).order_by("sequence")) == [0, 1, 2]
    assert client.get(url).status_code == 302  # a cancelled meeting is not changed


def test_without_the_tick_the_change_is_saved_and_nobody_is_told(
        client, regional, branch_user, django_capture_on_commit_callbacks):
    meeting = make_meeting(branch_user, regional)
    services.meeting_announce(actor=branch_user, meeting=meeting)
    mail.outbox.clear()
    client.force_login(branch_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meeting_edit", args=[meeting.pk]),
                               _form(meeting, hours=2, venue="村山総合支庁 大会議室"))
    assert response.status_code == 302 and mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.venue == "村山総合支庁 大会議室" and meeting.sequence == 1


def test_before_the_notice_there_is_no_update_to_send(client, regional, branch_user,
                                                      django_capture_on_commit_callbacks):
    meeting = make_meeting(branch_user, regional)
    client.force_login(branch_user)
    url = reverse("meeting_edit", args=[meeting.pk])
    assert "変更を委員に通知する" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _form(meeting, hours=1))
    meeting.refresh_from_db()
    assert mail.outbox == [] and meeting.sequence == 0
    bad = client.post(url, _form(meeting, venue="", online_url=""))
    assert bad.status_code == 400 and "会場" in bad.content.decode()
    inverted = _form(meeting)
    inverted["ends_at"] = inverted["starts_at"]
    assert client.post(url, inverted).status_code == 400


def test_the_agenda_is_added_to_reordered_removed_and_linked_by_searching(
        client, regional, branch_user):
    from collaboration.models import Theme

    meeting = make_meeting(branch_user, regional)
    theme = Theme.objects.create(title="除雪の広域連携")
    initiative = make_initiative("除雪車の共同利用", codes=("062014",))
    hidden = make_initiative("除雪の非公開案", codes=("063657",), published=False)  # 最上
    survey = make_survey()
    client.force_login(branch_user)
    url = reverse("meeting_edit", args=[meeting.pk])

    found = client.get(url, {"q": "除雪"}).content.decode()
    assert f'value="theme:{theme.pk}"' in found
    assert f'value="initiative:{initiative.pk}"' in found
    assert f'value="initiative:{hidden.pk}"' not in found  # outside the room's scope
    assert "3件" not in found and "2件" in found

    response = client.post(reverse("agenda_add", args=[meeting.pk]),
                           {"title": "除雪協定の検討", "link": f"theme:{theme.pk}", "q": "除雪"})
    assert response.url == url + "?q=%E9%99%A4%E9%9B%AA#agenda-title"  # the search is kept
    titles = list(meeting.agenda.values_list("title", flat=True))
    assert titles == ["調査結果の報告", "連携テーマの検討", "除雪協定の検討"]
    added = meeting.agenda.get(title="除雪協定の検討")
    assert added.theme == theme and added.order == 3

    client.post(reverse("agenda_move", args=[meeting.pk, added.pk]), {"direction": "up"})
    client.post(reverse("agenda_move", args=[meeting.pk, added.pk]), {"direction": "up"})
    client.post(reverse("agenda_move", args=[meeting.pk, added.pk]), {"direction": "up"})
    assert list(meeting.agenda.values_list("title", flat=True)) == [
        "除雪協定の検討", "調査結果の報告", "連携テーマの検討"]
    assert list(meeting.agenda.values_list("order", flat=True)) == [1, 2, 3]

    report = meeting.agenda.get(title="調査結果の報告")
    client.post(reverse("agenda_link", args=[meeting.pk]),
                {"item": report.pk, "link": f"survey:{survey.pk}"})
    report.refresh_from_db()
    assert report.survey == survey and report.theme is None
    refused = client.post(reverse("agenda_link", args=[meeting.pk]),
                          {"item": report.pk, "link": f"initiative:{hidden.pk}"})
    assert refused.status_code == 404
    assert client.post(reverse("agenda_link", args=[meeting.pk]),
                       {"item": report.pk, "link": "nonsense"}).status_code == 404

    client.post(reverse("agenda_remove", args=[meeting.pk, report.pk]))
    assert list(meeting.agenda.values_list("title", flat=True)) == [
        "除雪協定の検討", "連携テーマの検討"]


def test_outsiders_and_members_cannot_change_a_meeting(client, regional, branch_user,
                                                       other_branch_user, municipal_user):
    meeting = make_meeting(branch_user, regional)
    item = meeting.agenda.first()
    requests = [("get", reverse("meeting_edit", args=[meeting.pk]), {}),
                ("post", reverse("meeting_edit", args=[meeting.pk]), _form(meeting, hours=1)),
                ("post", reverse("agenda_add", args=[meeting.pk]), {"title": "x"}),
                ("post", reverse("agenda_link", args=[meeting.pk]), {"item": item.pk}),
                ("post", reverse("agenda_move", args=[meeting.pk, item.pk]),
                 {"direction": "down"}),
                ("post", reverse("agenda_remove", args=[meeting.pk, item.pk]), {})]
    for user in (other_branch_user, municipal_user):
        client.force_login(user)
        for method, url, data in requests:
            assert getattr(client, method)(url, data).status_code == 404, (user, url)
    meeting.refresh_from_db()
    assert meeting.agenda.count() == 2 and meeting.sequence == 0
    assert Meeting.objects.get(pk=meeting.pk).starts_at == meeting.starts_at


def test_an_item_of_another_meeting_is_not_found_through_this_one(client, regional,
                                                                  branch_user, council,
                                                                  prefecture_user):
    mine = make_meeting(branch_user, regional)
    theirs = make_meeting(prefecture_user, council).agenda.first()
    client.force_login(branch_user)
    assert client.post(reverse("agenda_remove", args=[mine.pk, theirs.pk])).status_code == 404


def test_each_step_of_the_minutes_says_what_happened(client, council, prefecture_user):
    meeting = make_meeting(prefecture_user, council)
    client.force_login(prefecture_user)
    url = reverse("meeting_minutes", args=[meeting.pk])
    said = []
    for step in ("", "circulated", "approved", "published"):
        response = client.post(url, {"text": "議事の概要", "advance": step}, follow=True)
        said.append([str(m) for m in response.context["messages"]])
    assert said == [["会議録を保存しました。"], ["会議録を出席者に送り、確認を依頼しました。"],
                    ["会議録を承認しました。"], ["会議録を公開しました。"]]
