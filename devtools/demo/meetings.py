"""Demo councils, members and one meeting. Names follow the policy; people are demo accounts."""

import datetime

from django.db import transaction
from django.utils import timezone

from meetings.models import Body, Membership
from meetings.services import meeting_create
from portal.lib.japanese import fiscal_year, fiscal_year_bounds
from portal.models import Region, User

COUNCIL = "県・市町村連携推進会議"
AGENDA = ["連携課題・ニーズ調査の結果について", "新たな連携テーマの検討",
          "先進事例の紹介（横展開）"]


def _seat(body, user, title, start, **flags):
    Membership.objects.get_or_create(body=body, user=user, defaults={
        "title": title, "starts_on": start, **flags})


@transaction.atomic
def create_demo_councils() -> str:
    if Body.objects.filter(name=COUNCIL).exists():
        return "Demo councils: 0 new."
    start = fiscal_year_bounds(fiscal_year(timezone.localdate()))[0]
    council = Body.objects.create(kind=Body.Kind.COUNCIL, name=COUNCIL, description=(
        "【デモ】連携課題・ニーズ調査の結果等を踏まえ、新たな連携テーマについて検討・協議します。"))
    planner = User.objects.filter(username="demo-pref").first()
    if planner:
        _seat(council, planner, "企画振興部次長", start, is_chair=True)
    for user in User.objects.filter(role=User.Role.BRANCH, username__startswith="demo-"):
        _seat(council, user, "連携支援室長", start)
    for user in User.objects.filter(role=User.Role.MUNICIPAL, username__startswith="demo-"):
        _seat(council, user, "企画担当課長", start)
    for region in Region.objects.all():
        body = Body.objects.create(kind=Body.Kind.REGIONAL, region=region,
                                   name=f"{region.name}地域 連携推進体制")
        for user in User.objects.filter(role=User.Role.BRANCH, organisation__region=region,
                                        username__startswith="demo-"):
            _seat(body, user, "連携支援室長", start, is_chair=True)
        for user in User.objects.filter(role=User.Role.MUNICIPAL,
                                        organisation__municipality__region=region,
                                        username__startswith="demo-"):
            _seat(body, user, "企画担当課長", start)
    team = Body.objects.create(kind=Body.Kind.WORKING_TEAM, parent=council,
                               name="【デモ】買い物支援ワーキングチーム")
    for username in ("demo-063614", "demo-064025", "demo-064611"):
        user = User.objects.filter(username=username).first()
        if user:
            _seat(team, user, "担当者", start)
    if planner:
        starts = timezone.localtime().replace(hour=13, minute=30, second=0, microsecond=0) \
            + datetime.timedelta(days=21)
        meeting_create(actor=planner, body=council, values={
            "title": "【デモ】令和の連携テーマの検討", "starts_at": starts,
            "ends_at": starts + datetime.timedelta(hours=2), "venue": "県庁 講堂（デモ）",
            "online_url": ""}, agenda=AGENDA)
    return "Demo councils: 6 new, with members and one meeting."
