"""Seats, the April rotation and working teams, run from the portal by those who run a body."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import services
from meetings.forms import next_rotation_day
from meetings.models import Body, Membership
from portal.models import Region
from tests.factories import UserFactory, municipality_org
from tests.meetings.conftest import APRIL_1

pytestmark = pytest.mark.django_db

MARCH_31_2027 = datetime.date(2027, 3, 31)
APRIL_1_2027 = datetime.date(2027, 4, 1)


@pytest.fixture
def murayama(db, municipal_user, branch_user):
    body = Body.objects.create(kind=Body.Kind.REGIONAL, name="村山地域 連携推進体制",
                               region=Region.objects.get(code="murayama"))
    Membership.objects.create(body=body, user=branch_user, title="連携支援室長",
                              starts_on=APRIL_1, is_chair=True)
    Membership.objects.create(body=body, user=municipal_user, title="企画担当課長",
                              starts_on=APRIL_1)
    Membership.objects.create(body=body, user=UserFactory(
        organisation=municipality_org("062103")), title="企画担当課長", starts_on=APRIL_1)
    return body


def _ids(body, day):
    return {(m.user_id, m.title, m.is_chair) for m in services.roster(body, day)}


def test_the_rosters_of_31_march_and_1_april_differ_exactly_by_the_rotated_seats(
        client, murayama, branch_user, municipal_user):
    chair = murayama.memberships.get(user=branch_user)
    seat = murayama.memberships.get(user=municipal_user)
    new_chair = UserFactory(role="branch", organisation=branch_user.organisation,
                            username="murayama-2027")
    successor = UserFactory(organisation=municipality_org("062014"), username="yamagata-2027")
    before = _ids(murayama, MARCH_31_2027)
    client.force_login(branch_user)
    for old, new in ((chair, new_chair), (seat, successor)):
        response = client.post(reverse("membership_replace", args=[murayama.pk, old.pk]), {
            f"s{old.pk}-successor": new.pk, f"s{old.pk}-title": "",
            f"s{old.pk}-on": "2027-04-01"})
        assert response.status_code == 302, response.content.decode()[:3000]
    # A second click on the same hand-over changes nothing and says so.
    again = client.post(reverse("membership_replace", args=[murayama.pk, seat.pk]), {
        f"s{seat.pk}-successor": successor.pk, f"s{seat.pk}-on": "2027-04-01"})
    assert again.status_code == 400
    assert "既に引き継がれています" in again.content.decode()

    assert _ids(murayama, MARCH_31_2027) == before
    after = _ids(murayama, APRIL_1_2027)
    assert before - after == {(branch_user.pk, "連携支援室長", True),
                              (municipal_user.pk, "企画担当課長", False)}
    assert after - before == {(new_chair.pk, "連携支援室長", True),
                              (successor.pk, "企画担当課長", False)}
    chair.refresh_from_db()
    assert chair.ends_on == MARCH_31_2027
    assert murayama.memberships.count() == 5  # history kept: nothing deleted


def test_the_rotation_page_lists_the_open_seats_with_a_hand_over_form_each(
        client, murayama, branch_user, django_assert_max_num_queries):
    client.force_login(branch_user)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("body_rotation", args=[murayama.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for seat in murayama.memberships.all():
        assert f'action="{reverse("membership_replace", args=[murayama.pk, seat.pk])}"' in html
        assert f"{seat.user.display_name}さんの後任" in html
    assert f'value="{next_rotation_day().isoformat()}"' in html  # the coming 1 April
    assert next_rotation_day(datetime.date(2027, 3, 31)) == APRIL_1_2027
    assert next_rotation_day(APRIL_1_2027) == datetime.date(2028, 4, 1)


def test_seats_are_added_and_ended_and_stay_in_earlier_rosters(client, murayama, branch_user,
                                                               other_municipal_user):
    client.force_login(branch_user)
    url = reverse("membership_add", args=[murayama.pk])
    response = client.post(url, {"seat-user": other_municipal_user.pk, "seat-title": "オブザーバー",
                                 "seat-role": "vice_chair", "seat-starts_on": "2026-06-01"})
    assert response.status_code == 302
    seat = murayama.memberships.get(user=other_municipal_user)
    assert seat.is_vice_chair and seat.starts_on == datetime.date(2026, 6, 1)
    duplicate = client.post(url, {"seat-user": other_municipal_user.pk, "seat-title": "x",
                                  "seat-starts_on": "2026-07-01"})
    assert duplicate.status_code == 400 and "既に" in duplicate.content.decode()
    assert client.post(url, {"seat-user": "", "seat-title": ""}).status_code == 400

    end = reverse("membership_end", args=[murayama.pk, seat.pk])
    assert client.post(end, {"on": "2026-09-30"}).status_code == 302
    assert other_municipal_user in {m.user for m in services.roster(
        murayama, datetime.date(2026, 9, 30))}
    assert other_municipal_user not in {m.user for m in services.roster(
        murayama, datetime.date(2026, 10, 1))}
    client.post(end, {"on": "2026-01-01"})  # before it started: refused, nothing changes
    seat.refresh_from_db()
    assert seat.ends_on == datetime.date(2026, 9, 30)


def test_outsiders_and_members_cannot_change_seats(client, murayama, other_branch_user,
                                                   municipal_user, other_municipal_user):
    seat = murayama.memberships.get(user=municipal_user)
    urls = [("get", reverse("body_rotation", args=[murayama.pk]), {}),
            ("post", reverse("membership_add", args=[murayama.pk]),
             {"seat-user": other_municipal_user.pk, "seat-title": "x",
              "seat-starts_on": "2026-06-01"}),
            ("post", reverse("membership_end", args=[murayama.pk, seat.pk]), {"on": "2026-06-01"}),
            ("post", reverse("membership_replace", args=[murayama.pk, seat.pk]),
             {f"s{seat.pk}-successor": other_municipal_user.pk, f"s{seat.pk}-on": "2027-04-01"}),
            ("get", reverse("team_create", args=[murayama.pk]), {})]
    for user in (other_branch_user, municipal_user):  # another region's room; a member
        client.force_login(user)
        for method, url, data in urls:
            assert getattr(client, method)(url, data).status_code == 404, (user, url)
    assert murayama.memberships.count() == 3 and not Membership.objects.filter(
        ends_on__isnull=False).exists()


def test_a_seat_of_another_body_is_not_found_through_this_one(client, murayama, branch_user,
                                                              council, municipal_user):
    elsewhere = council.memberships.get(user=municipal_user)
    client.force_login(branch_user)
    response = client.post(reverse("membership_end", args=[murayama.pk, elsewhere.pk]),
                           {"on": "2026-06-01"})
    assert response.status_code == 404


def test_the_service_refuses_a_hand_over_on_the_seats_first_day(prefecture_user, murayama,
                                                                 municipal_user):
    seat = murayama.memberships.get(user=municipal_user)
    with pytest.raises(ValidationError):
        services.membership_replace(actor=prefecture_user, membership=seat,
                                    successor=prefecture_user, on=APRIL_1)


def test_a_liaison_room_forms_and_closes_a_working_team_with_members_from_anywhere(
        client, murayama, branch_user, municipal_user, other_municipal_user, prefecture_user):
    from collaboration.models import Theme

    theme = Theme.objects.create(title="買い物支援")
    client.force_login(branch_user)
    response = client.post(reverse("team_create", args=[murayama.pk]), {
        "name": "買い物支援ワーキングチーム", "theme": theme.pk, "purpose": "移動販売の共同運行",
        "starts_on": "2026-05-01", "ends_on": "2027-03-31",
        "members": [municipal_user.pk, other_municipal_user.pk, prefecture_user.pk],
        "member_title": "担当者"})
    assert response.status_code == 302, response.content.decode()[:3000]
    team = Body.objects.get(kind=Body.Kind.WORKING_TEAM)
    assert (team.parent, team.theme, team.description) == (murayama, theme, "移動販売の共同運行")
    assert {m.user for m in services.roster(team, datetime.date(2026, 5, 1))} == {
        municipal_user, other_municipal_user, prefecture_user}
    assert client.get(team.get_absolute_url()).status_code == 200
    bad = client.post(reverse("team_create", args=[murayama.pk]), {
        "name": "x", "starts_on": "2026-05-01", "ends_on": "2026-04-01", "member_title": "x"})
    assert bad.status_code == 400

    assert client.post(reverse("team_close", args=[team.pk])).status_code == 302
    team.refresh_from_db()
    assert team.ends_on is not None
    assert not services.roster(team, team.ends_on + datetime.timedelta(days=1)).exists()
    client.force_login(other_municipal_user)  # a team member: may see, not close
    assert client.post(reverse("team_close", args=[team.pk])).status_code == 404
