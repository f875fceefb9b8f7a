import datetime
import email.policy
from email import message_from_bytes

import pytest
from django.conf import settings
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.models import ActionItem, Attendance, Body, CalendarFeed, Meeting, Membership
from portal.lib import permissions
from tests.factories import UserFactory, municipality_org
from tests.meetings.conftest import APRIL_1, make_meeting

pytestmark = pytest.mark.django_db


def test_meetings_are_numbered_in_order_within_each_body(council, prefecture_user):
    other = Body.objects.create(kind=Body.Kind.COUNCIL, name="別の会議")
    numbers = [make_meeting(prefecture_user, council).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    assert make_meeting(prefecture_user, other).number == 1
    assert str(Meeting.objects.get(body=council, number=2)) == "県・市町村連携推進会議 第2回"


def test_the_april_rotation_keeps_who_was_a_member_when(council, municipal_user):
    seat = Membership.objects.get(body=council, user=municipal_user)
    seat.ends_on = datetime.date(2027, 3, 31)
    seat.save()
    successor = UserFactory(organisation=municipality_org("062014"), username="successor")
    Membership.objects.create(body=council, user=successor, title="企画担当課長",
                              starts_on=datetime.date(2027, 4, 1))
    march = {m.user for m in services.roster(council, datetime.date(2027, 3, 31))}
    april = {m.user for m in services.roster(council, datetime.date(2027, 4, 1))}
    assert municipal_user in march and successor not in march
    assert successor in april and municipal_user not in april


def test_notices_carry_an_ics_with_one_uid_and_a_rising_sequence(
        council, prefecture_user, municipal_user, django_capture_on_commit_callbacks):
    meeting = make_meeting(prefecture_user, council, title="第1回推進会議")
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_announce(actor=prefecture_user, meeting=meeting)
        services.meeting_announce(actor=prefecture_user, meeting=meeting)  # a second click
    assert len(mail.outbox) == 1
    first = mail.outbox[0]
    assert sorted(first.bcc) == sorted([municipal_user.email, prefecture_user.email])
    assert "開催通知" in first.subject
    received = message_from_bytes(first.message().as_bytes(), policy=email.policy.default)
    assert received["To"] == "undisclosed-recipients:;"
    assert received["From"].addresses[0].display_name == "山形県 連携ポータル"

    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_update(actor=prefecture_user, meeting=meeting, values={
            "starts_at": meeting.starts_at + datetime.timedelta(hours=1),
            "ends_at": meeting.ends_at + datetime.timedelta(hours=1)})
        services.meeting_update(actor=prefecture_user, meeting=meeting,
                                values={"title": "題名だけの変更"})  # no notice for this
    with django_capture_on_commit_callbacks(execute=True):
        services.meeting_cancel(actor=prefecture_user, meeting=meeting)
    assert [m.subject.split("：")[0] for m in mail.outbox] == [
        "【連携ポータル】開催通知", "【連携ポータル】変更", "【連携ポータル】中止"]

    events = []
    for message in mail.outbox:
        name, content, mimetype = message.attachments[0]
        assert name == "meeting.ics" and mimetype.startswith("text/calendar")
        calendar = Calendar.from_ical(content)
        event = calendar.walk("VEVENT")[0]
        events.append((str(calendar["METHOD"]), str(event["UID"]), int(event["SEQUENCE"]),
                       str(event["STATUS"]), event.decoded("DTSTART")))
        assert calendar.walk("VTIMEZONE")[0]["TZID"] == "Asia/Tokyo"
        # RFC 5546: an organizer and one attendee per member, each yet to answer.
        assert str(event["ORGANIZER"]) == f"mailto:{settings.MEETING_ORGANIZER_EMAIL}"
        assert event["ORGANIZER"].params["CN"] == settings.MEETING_ORGANIZER_NAME
        attendees = event["ATTENDEE"] if isinstance(event["ATTENDEE"], list) else [
            event["ATTENDEE"]]
        assert sorted(str(a) for a in attendees) == sorted(
            f"mailto:{u.email}" for u in (municipal_user, prefecture_user))
        assert {a.params["PARTSTAT"] for a in attendees} == {"NEEDS-ACTION"}
        assert {a.params["ROLE"] for a in attendees} <= {"CHAIR", "REQ-PARTICIPANT"}
        assert event["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert [e[0] for e in events] == ["REQUEST", "REQUEST", "CANCEL"]
    assert len({e[1] for e in events}) == 1
    assert [e[2] for e in events] == [0, 1, 2]
    assert events[2][3] == "CANCELLED"
    assert events[1][4] - events[0][4] == datetime.timedelta(hours=1)
    assert events[0][4].utcoffset() == datetime.timedelta(hours=9)


def test_minutes_go_draft_circulated_approved_published(council, prefecture_user,
                                                         municipal_user):
    meeting = make_meeting(prefecture_user, council)
    minutes = meeting.minutes
    services.minutes_save(actor=prefecture_user, minutes=minutes, text="議事の概要")
    with pytest.raises(ValidationError):
        services.minutes_advance(actor=prefecture_user, minutes=minutes, to="published")
    assert not permissions.can(municipal_user, permissions.COMMENT, minutes)  # not circulated yet
    services.minutes_advance(actor=prefecture_user, minutes=minutes, to="circulated")
    minutes.refresh_from_db()
    # only attendees comment
    assert not permissions.can(municipal_user, permissions.COMMENT, minutes)
    member = Membership.objects.get(body=council, user=municipal_user)
    services.attendance_record(actor=prefecture_user, meeting=meeting,
                               entries={member.pk: ("present", "")})
    services.minutes_comment(actor=municipal_user, minutes=minutes, text="数字を確認しました")
    services.minutes_advance(actor=prefecture_user, minutes=minutes, to="approved")
    minutes.refresh_from_db()
    with pytest.raises(ValidationError):
        services.minutes_save(actor=prefecture_user, minutes=minutes, text="承認後の修正")
    services.minutes_advance(actor=prefecture_user, minutes=minutes, to="published")
    minutes.refresh_from_db()
    assert minutes.status == "published" and minutes.comments.count() == 1


def test_attendance_needs_a_proxy_name_and_a_member_of_that_day(council, prefecture_user,
                                                               other_municipal_user):
    meeting = make_meeting(prefecture_user, council)
    member = meeting.body.memberships.first()
    with pytest.raises(ValidationError, match="代理出席者の氏名"):
        services.attendance_record(actor=prefecture_user, meeting=meeting,
                                   entries={member.pk: ("proxy", "")})
    outsider = Membership.objects.create(body=Body.objects.create(
        kind=Body.Kind.COUNCIL, name="他"), user=other_municipal_user, title="x",
        starts_on=APRIL_1)
    with pytest.raises(ValidationError):
        services.attendance_record(actor=prefecture_user, meeting=meeting,
                                   entries={outsider.pk: ("present", "")})
    services.attendance_record(actor=prefecture_user, meeting=meeting,
                               entries={member.pk: ("proxy", "山形 次郎")})
    assert Attendance.objects.get().proxy_name == "山形 次郎"


def test_attendance_for_the_whole_roster_takes_the_same_queries_for_any_size(
        council, prefecture_user, django_assert_max_num_queries):
    meeting = make_meeting(prefecture_user, council)
    for number in range(20):
        Membership.objects.create(body=council, user=UserFactory(), title=f"委員{number}",
                                  starts_on=APRIL_1)
    entries = {m.pk: ("present", "") for m in council.memberships.all()}
    for _time in ("first", "again"):
        # the permission check, the roster, one statement for every member
        with django_assert_max_num_queries(6):
            services.attendance_record(actor=prefecture_user, meeting=meeting, entries=entries)
    entries = {pk: ("absent", "") for pk in entries}
    services.attendance_record(actor=prefecture_user, meeting=meeting, entries=entries)
    assert Attendance.objects.filter(meeting=meeting, status="absent").count() == len(entries)


def test_the_calendar_feed_is_valid_private_and_can_be_reset(client, council, prefecture_user,
                                                            municipal_user):
    make_meeting(prefecture_user, council)
    make_meeting(prefecture_user, council, days=40)
    feed = CalendarFeed.objects.create(user=municipal_user)
    response = client.get(reverse("calendar_feed", args=[feed.token]))
    calendar = Calendar.from_ical(response.content)
    assert response["Content-Type"].startswith("text/calendar")
    assert len(calendar.walk("VEVENT")) == 2 and "METHOD" not in calendar
    assert str(calendar["X-WR-CALNAME"]) == "連携ポータル 会議予定"
    assert "ATTENDEE" not in calendar.walk("VEVENT")[0]  # a feed is no invitation
    old = feed.token
    client.force_login(municipal_user)
    client.post(reverse("calendar_settings"))
    assert client.get(reverse("calendar_feed", args=[old])).status_code == 404
    assert client.get(reverse("calendar_feed", args=["x" * 500])).status_code == 404


def test_overdue_action_items_show_on_their_owners_home_page(client, council, prefecture_user,
                                                             municipal_user):
    meeting = make_meeting(prefecture_user, council, days=-10)
    services.action_item_add(actor=prefecture_user, meeting=meeting, title="除雪協定案の作成",
                             owner=municipal_user,
                             due_on=timezone.localdate() - datetime.timedelta(days=2))
    client.force_login(municipal_user)
    page = client.get(reverse("home")).content.decode()
    assert "期限切れ：除雪協定案の作成" in page
    item = ActionItem.objects.get()
    client.post(reverse("action_item_done", args=[meeting.pk]), {"item": item.pk})
    item.refresh_from_db()
    assert item.status == "done"
    assert "除雪協定案の作成" not in client.get(reverse("home")).content.decode()


def test_a_working_team_stays_within_the_team(client, council, prefecture_user,
                                              other_municipal_user, municipal_user):
    team = Body.objects.create(kind=Body.Kind.WORKING_TEAM, parent=council, name="チーム")
    Membership.objects.create(body=team, user=other_municipal_user, title="担当",
                              starts_on=APRIL_1)
    meeting = make_meeting(prefecture_user, team)
    client.force_login(municipal_user)  # a council member, not on the team
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 404
    client.force_login(other_municipal_user)
    assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 200


def test_a_liaison_room_runs_its_regional_body_only(client, branch_user, other_branch_user):
    from portal.models import Region

    murayama = Body.objects.create(kind=Body.Kind.REGIONAL, name="村山地域",
                                   region=Region.objects.get(code="murayama"))
    client.force_login(branch_user)
    url = reverse("body_detail", args=[murayama.pk])
    starts = timezone.localtime() + datetime.timedelta(days=5)
    response = client.post(url, {"title": "地域会議", "venue": "村山総合支庁",
                                 "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
                                 "ends_at": (starts + datetime.timedelta(hours=1)).strftime(
                                     "%Y-%m-%dT%H:%M"), "agenda": "報告\n協議"})
    assert response.status_code == 302
    meeting = Meeting.objects.get(body=murayama)
    assert list(meeting.agenda.values_list("title", flat=True)) == ["報告", "協議"]
    client.force_login(other_branch_user)
    assert client.get(url).status_code == 404


def test_system_administrators_link_agenda_items_and_rotate_members_in_the_admin(
        client, council, prefecture_user, portal_admin, municipal_user):
    from collaboration.models import Theme
    from meetings.models import AgendaItem

    theme = Theme.objects.create(title="専門技術職員の確保")
    meeting = make_meeting(prefecture_user, council)
    first, second = meeting.agenda.all()
    client.force_login(portal_admin)
    url = reverse("admin:meetings_meeting_change", args=[meeting.pk])
    assert client.get(url).status_code == 200
    form = {"agenda-TOTAL_FORMS": "2", "agenda-INITIAL_FORMS": "2",
            "agenda-MIN_NUM_FORMS": "0", "agenda-MAX_NUM_FORMS": "1000"}
    for index, item in enumerate((first, second)):
        form.update({f"agenda-{index}-id": item.pk, f"agenda-{index}-meeting": meeting.pk,
                     f"agenda-{index}-order": item.order, f"agenda-{index}-title": item.title,
                     f"agenda-{index}-theme": theme.pk if index == 1 else "",
                     f"agenda-{index}-initiative": "", f"agenda-{index}-survey": ""})
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AgendaItem.objects.get(pk=second.pk).theme == theme

    seat = Membership.objects.get(body=council, user=municipal_user)
    body_url = reverse("admin:meetings_body_change", args=[council.pk])
    assert client.get(body_url).status_code == 200
    assert seat.title in client.get(body_url).content.decode()
