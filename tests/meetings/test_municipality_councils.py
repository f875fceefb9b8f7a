"""The councils a municipality sits on, as its page shows them, compared with the
straightforward reads: the bodies in their order, each with its current seats in theirs."""

import datetime

import pytest
from django.db.models import Prefetch, Q
from django.utils import timezone

from meetings.models import Body, Membership
from meetings.sections import councils
from portal.lib.permissions import VIEW, scope
from portal.models import Municipality, Region
from tests.factories import UserFactory, municipality_org
from tests.meetings.conftest import APRIL_1

pytestmark = pytest.mark.django_db


def straightforward(user, municipality):
    today = timezone.localdate()
    current = Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))
    seats = Membership.objects.filter(current, user__organisation__municipality=municipality)
    return [(body.pk, [seat.pk for seat in body.seats]) for body in scope(
        user, VIEW, Body.objects.filter(pk__in=seats.values("body_id"))).prefetch_related(
        Prefetch("memberships", seats, to_attr="seats"))]


def shown(user, municipality):
    section = councils(user, municipality)
    return [] if section is None else [(body.pk, [seat.pk for seat in body.seats])
                                       for body in section.context["bodies"]]


def test_the_bodies_and_seats_are_those_of_the_straightforward_reads(
        prefecture_user, municipal_user, other_municipal_user, branch_user):
    yamagata = Municipality.objects.get(lg_code="062014")
    colleague = UserFactory(organisation=municipality_org("062014"), username="yamagata2")
    council = Body.objects.create(kind=Body.Kind.COUNCIL, name="県・市町村連携推進会議")
    regions = list(Region.objects.order_by("-sort_order"))
    regional = [Body.objects.create(kind=Body.Kind.REGIONAL, name=f"{region.name}地域会議",
                                    region=region) for region in regions]
    team = Body.objects.create(kind=Body.Kind.WORKING_TEAM, name="ＤＸ推進チーム", parent=council)
    ended = datetime.date(2025, 3, 31)
    for body in (council, team, *regional):
        Membership.objects.create(body=body, user=colleague, title="係長",
                                  starts_on=APRIL_1 + datetime.timedelta(days=body.pk % 3))
        Membership.objects.create(body=body, user=municipal_user, title="課長",
                                  starts_on=APRIL_1, is_vice_chair=body.pk % 2 == 0)
        Membership.objects.create(body=body, user=municipal_user, title="前任の課長",
                                  starts_on=datetime.date(2024, 4, 1), ends_on=ended)
    Membership.objects.create(body=council, user=prefecture_user, title="部長",
                              starts_on=APRIL_1, is_chair=True)  # not 山形市's seat
    Membership.objects.create(body=council, user=other_municipal_user, title="課長",
                              starts_on=APRIL_1)
    Membership.objects.create(body=regional[0], user=colleague, title="主事",
                              starts_on=APRIL_1, is_chair=True)

    for user in (prefecture_user, municipal_user, colleague, branch_user, other_municipal_user):
        assert shown(user, yamagata) == straightforward(user, yamagata)
    every = shown(prefecture_user, yamagata)
    assert len(every) == 2 + len(regions)
    assert all(len(seats) >= 2 for _body, seats in every)


def test_no_section_without_a_current_seat(prefecture_user, municipal_user):
    council = Body.objects.create(kind=Body.Kind.COUNCIL, name="県・市町村連携推進会議")
    Membership.objects.create(body=council, user=municipal_user, title="前任",
                              starts_on=datetime.date(2024, 4, 1),
                              ends_on=datetime.date(2025, 3, 31))
    assert councils(prefecture_user, Municipality.objects.get(lg_code="062014")) is None
