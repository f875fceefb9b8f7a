"""Notices read by two independent iCalendar parsers, one e-mail per version however often
it is sent, minutes circulated to the attendees, and seats for people without an account."""

import datetime
import threading

import pytest
import vobject
from django.core import mail
from django.db import connection
from django.urls import reverse
from icalendar import Calendar

from meetings import services
from meetings.models import Meeting, MeetingNotice, Membership
from meetings.tasks import send_meeting_notice, send_minutes_for_comment
from tests.conftest import need_service
from tests.factories import UserFactory, municipality_org
from tests.meetings.conftest import APRIL_1, make_meeting

pytestmark = pytest.mark.django_db


def _three_versions(council, prefecture_user, capture):
    """The notice (REQUEST), a changed time (REQUEST again), the cancellation (CANCEL)."""
    meeting = make_meeting(prefecture_user, council, title="推進会議")
    with capture(execute=True):
        services.meeting_announce(actor=prefecture_user, meeting=meeting)
    with capture(execute=True):
        services.meeting_update(actor=prefecture_user, meeting=meeting, values={
            "starts_at": meeting.starts_at + datetime.timedelta(hours=1),
            "ends_at": meeting.ends_at + datetime.timedelta(hours=1)})
    with capture(execute=True):
        services.meeting_cancel(actor=prefecture_user, meeting=meeting)
    return meeting


def test_the_three_messages_parse_with_icalendar_and_with_vobject(
        council, prefecture_user, municipal_user, django_capture_on_commit_callbacks):
    meeting = _three_versions(council, prefecture_user, django_capture_on_commit_callbacks)
    assert len(mail.outbox) == 3
    members = sorted(f"mailto:{u.email}" for u in (municipal_user, prefecture_user))
    seen = []
    for message in mail.outbox:
        _name, content, _mimetype = message.attachments[0]
        text = content.decode() if isinstance(content, bytes) else content
        event = Calendar.from_ical(text).walk("VEVENT")[0]
        parsed = vobject.readOne(text)
        other = parsed.vevent
        assert str(event["UID"]) == other.uid.value == f"{meeting.uid}@renkei-portal"
        assert int(event["SEQUENCE"]) == int(other.sequence.value)
        assert other.organizer.value.lower().startswith("mailto:")
        assert other.organizer.params["CN"] == [str(event["ORGANIZER"].params["CN"])]
        assert sorted(a.value for a in other.attendee_list) == members
        assert {a.params["PARTSTAT"][0] for a in other.attendee_list} == {"NEEDS-ACTION"}
        assert other.dtstart.value.utcoffset() == datetime.timedelta(hours=9)
        seen.append((parsed.method.value, int(other.sequence.value), other.status.value))
    assert seen == [("REQUEST", 0, "CONFIRMED"), ("REQUEST", 1, "CONFIRMED"),
                    ("CANCEL", 2, "CANCELLED")]


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_sending_the_same_version_at_once_send_one_e_mail(
        reference_data, prefecture_user, municipal_user):
    from tests.meetings.conftest import make_council

    need_service(connection.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")

    council = make_council(municipal_user, prefecture_user)
    meeting = make_meeting(prefecture_user, council)
    Meeting.objects.filter(pk=meeting.pk).update(announced_at=meeting.starts_at)
    start = threading.Barrier(2)
    results = []

    def send():
        try:
            start.wait()
            results.append(send_meeting_notice(meeting.pk, 0))
        finally:
            connection.close()

    workers = [threading.Thread(target=send) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1
    assert MeetingNotice.objects.get(meeting=meeting).sent_at is not None


def test_a_double_click_on_the_notice_and_a_redelivered_message_send_once(
        client, council, prefecture_user, django_capture_on_commit_callbacks):
    meeting = make_meeting(prefecture_user, council)
    client.force_login(prefecture_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("meeting_announce", args=[meeting.pk]))
        client.post(reverse("meeting_announce", args=[meeting.pk]))
    assert send_meeting_notice(meeting.pk, 0) is False  # the queue delivers it again
    assert len(mail.outbox) == 1
    assert f"/meetings/{meeting.pk}/" in mail.outbox[0].body  # the meeting's page


def test_circulated_minutes_are_e_mailed_to_the_attendees_once(
        client, council, prefecture_user, municipal_user, django_capture_on_commit_callbacks):
    absent = UserFactory(organisation=municipality_org("063657"))
    Membership.objects.create(body=council, user=absent, title="企画担当課長", starts_on=APRIL_1)
    meeting = make_meeting(prefecture_user, council, title="第2回推進会議")
    seats = {seat.user: seat for seat in council.memberships.all()}
    services.attendance_record(actor=prefecture_user, meeting=meeting, entries={
        seats[municipal_user].pk: ("present", ""), seats[absent].pk: ("absent", "")})
    client.force_login(prefecture_user)
    url = reverse("meeting_minutes", args=[meeting.pk])
    with django_capture_on_commit_callbacks(execute=True):
        saved = client.post(url, {"text": "議事の概要"}, follow=True)
    assert mail.outbox == []  # saving is not circulating
    with django_capture_on_commit_callbacks(execute=True):
        circulated = client.post(url, {"text": "議事の概要", "advance": "circulated"},
                                 follow=True)
        client.post(url, {"text": "議事の概要", "advance": "circulated"},
                    follow=True)  # a double click
    assert send_minutes_for_comment(meeting.minutes.pk) is False  # delivered again
    assert [str(m) for m in saved.context["messages"]] == ["会議録を保存しました。"]
    assert [str(m) for m in circulated.context["messages"]] == [
        "会議録を出席者に送り、確認を依頼しました。"]
    (message,) = mail.outbox
    assert message.bcc == [municipal_user.email]  # who attended, not who was absent
    assert "会議録の確認" in message.subject and "議事の概要" in message.body
    assert f"/meetings/{meeting.pk}/" in message.body
    approved = client.post(url, {"text": "議事の概要", "advance": "approved"}, follow=True)
    published = client.post(url, {"text": "", "advance": "published"}, follow=True)
    assert [str(m) for m in approved.context["messages"]] == ["会議録を承認しました。"]
    assert [str(m) for m in published.context["messages"]] == ["会議録を公開しました。"]
    assert len(mail.outbox) == 1


def test_a_seat_for_someone_without_an_account_gets_the_notice_and_is_named(
        client, council, prefecture_user, municipal_user, django_capture_on_commit_callbacks):
    client.force_login(prefecture_user)
    response = client.post(reverse("membership_add", args=[council.pk]), {
        "seat-user": "", "seat-person_name": "看護 花子", "seat-organisation_name": "県看護協会",
        "seat-email": "kango@example.jp", "seat-title": "常務理事",
        "seat-starts_on": APRIL_1.isoformat()})
    assert response.status_code == 302
    seat = Membership.objects.get(person_name="看護 花子")
    assert seat.user is None and seat.label == "県看護協会 常務理事 看護 花子"
    again = client.post(reverse("membership_add", args=[council.pk]), {
        "seat-user": "", "seat-person_name": "看護 花子", "seat-organisation_name": "県看護協会",
        "seat-title": "常務理事", "seat-starts_on": APRIL_1.isoformat()})
    assert again.status_code == 400 and Membership.objects.filter(user=None).count() == 1
    nobody = client.post(reverse("membership_add", args=[council.pk]), {
        "seat-title": "委員", "seat-starts_on": APRIL_1.isoformat()})
    assert nobody.status_code == 400
    assert "ポータルのアカウントを選ぶか、氏名を入力してください。" in nobody.content.decode()

    meeting = make_meeting(prefecture_user, council)
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_announce(actor=prefecture_user, meeting=meeting)
    (message,) = mail.outbox
    assert "kango@example.jp" in message.bcc
    event = Calendar.from_ical(message.attachments[0][1]).walk("VEVENT")[0]
    assert "mailto:kango@example.jp" in [str(a) for a in event["ATTENDEE"]]
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert "県看護協会 常務理事 看護 花子" in page
    chief = f"山形市 企画担当課長 {municipal_user.last_name} {municipal_user.first_name}"
    assert chief in page and municipal_user.username not in page
    body = client.get(reverse("body_detail", args=[council.pk])).content.decode()
    assert "県看護協会" in body and "看護 花子" in body


def test_action_item_owners_and_commenters_appear_by_organisation_and_name(
        client, council, prefecture_user, municipal_user):
    meeting = make_meeting(prefecture_user, council)
    services.action_item_add(actor=prefecture_user, meeting=meeting, title="協定案の作成",
                             owner=municipal_user)
    client.force_login(prefecture_user)
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert f"山形市 {municipal_user.last_name} {municipal_user.first_name}" in page
    assert f">{municipal_user.username}<" not in page


def test_with_a_broker_the_notice_waits_in_the_outbox_under_the_name_a_worker_knows(
        council, prefecture_user):
    from portal.celery import app
    from portal.models import OutboxTask

    meeting = make_meeting(prefecture_user, council)
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False  # as with Redis: the row first, the broker after commit
    try:
        services.meeting_announce(actor=prefecture_user, meeting=meeting)
    finally:
        app.conf.task_always_eager = eager
    (row,) = OutboxTask.objects.all()
    assert row.task == "meetings.tasks.send_meeting_notice" and row.args == [meeting.pk, 0]
    assert row.task in app.tasks and app.tasks[row.task].name == send_meeting_notice.name
