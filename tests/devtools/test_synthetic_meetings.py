import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from devtools.synthetic.meetings import generate_for_scale, generate_meetings
from meetings.models import Attendance, Body, Meeting, Membership, Minutes
from portal.models import User, validate_role_scope

pytestmark = pytest.mark.django_db


def fingerprint() -> list:
    return [(m.body.name, m.number, m.title, m.starts_at, m.venue, m.status, str(m.uid),
             [item.title for item in m.agenda.all()])
            for m in Meeting.objects.select_related("body").prefetch_related("agenda")
            .order_by("body__name", "number")]


def generated(count: int, seed: int) -> list:
    with transaction.atomic():
        generate_meetings(count, seed=seed)
        made = fingerprint()
        transaction.set_rollback(True)
    return made


def test_scale_sets_the_number_of_meetings_on_marked_bodies(django_assert_max_num_queries):
    with django_assert_max_num_queries(40):  # bulk inserts, not a query per row
        summary = generate_for_scale(scale=0.1, seed=1)
    assert summary.startswith("30 synthetic meetings on 11 bodies")
    assert Meeting.objects.count() == 30
    bodies = Body.objects.all()
    assert all(body.name.startswith("【合成】") for body in bodies)
    kinds = [body.kind for body in bodies]
    assert kinds.count(Body.Kind.COUNCIL) == 1 and kinds.count(Body.Kind.REGIONAL) == 4
    assert all(body.region_id for body in bodies if body.kind == Body.Kind.REGIONAL)
    assert all(body.parent_id for body in bodies if body.kind == Body.Kind.WORKING_TEAM)
    assert all(body.memberships.exists() for body in bodies)


def test_without_users_it_seats_synthetic_accounts_that_cannot_log_in():
    generate_meetings(5, seed=1)
    users = User.objects.all()
    assert users.count() == 1 + 4 + 35
    for user in users:
        assert user.username.startswith("synthetic-")
        assert not user.has_usable_password() and user.email == ""
        validate_role_scope(user.role, user.organisation)


def test_existing_people_are_seated_instead(prefecture_user, branch_user, municipal_user):
    generate_meetings(5, seed=1)
    assert not User.objects.filter(username__startswith="synthetic-").exists()
    council = Body.objects.get(kind=Body.Kind.COUNCIL)
    assert council.memberships.get(is_chair=True).user == prefecture_user
    assert set(Membership.objects.values_list("user", flat=True)) == {
        prefecture_user.pk, branch_user.pk, municipal_user.pk}


def test_numbers_run_in_date_order_per_body_and_go_on_in_a_second_run():
    generate_meetings(20, seed=1)
    seats = Membership.objects.count()
    generate_meetings(20, seed=1)
    assert Membership.objects.count() == seats and Body.objects.count() == 11
    assert Meeting.objects.values("uid").distinct().count() == 40
    for body in Body.objects.all():
        first_run = list(body.meetings.filter(pk__in=Meeting.objects.order_by("id")[:20])
                         .order_by("starts_at").values_list("number", flat=True))
        assert first_run == list(range(1, len(first_run) + 1))
        numbers = list(body.meetings.values_list("number", flat=True))
        assert sorted(numbers) == list(range(1, len(numbers) + 1))


def test_past_meetings_have_attendance_and_published_minutes():
    generate_meetings(30, seed=2)
    now = timezone.now()
    month_ago = now - datetime.timedelta(days=30)
    for meeting in Meeting.objects.select_related("minutes").prefetch_related("agenda"):
        assert 3 <= len(meeting.agenda.all()) <= 6
        held = meeting.starts_at < now and meeting.status == Meeting.Status.PLANNED
        attendance = Attendance.objects.filter(meeting=meeting).count()
        assert attendance == (meeting.body.memberships.count() if held else 0)
        if held and meeting.starts_at < month_ago:
            assert meeting.minutes.status == Minutes.Status.PUBLISHED
        if meeting.starts_at > now:
            assert meeting.minutes.status == Minutes.Status.DRAFT


def test_the_same_seed_gives_the_same_meetings():
    first = generated(20, seed=5)
    assert generated(20, seed=5) == first
    assert generated(20, seed=6) != first
