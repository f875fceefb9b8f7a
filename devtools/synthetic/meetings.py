"""Synthetic councils and a decade of their meetings, for measuring the portal at scale. Bodies
and meeting titles start with 【合成】; people made here are ``synthetic-…`` accounts that
cannot log in and have no e-mail address."""

import bisect
import datetime
import random
import uuid

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from collaboration.models import Initiative
from meetings.models import ActionItem, AgendaItem, Attendance, Body, Meeting, Membership, Minutes
from portal.lib import audit
from portal.lib.japanese import fiscal_year, fiscal_year_bounds
from portal.models import Organisation, Region, User
from surveys.models import Survey

PREFIX = "【合成】"
USERNAME_PREFIX = "synthetic-"
UNUSABLE_PASSWORD = "!synthetic"  # Django treats a hash starting with "!" as unusable
MEETINGS_AT_SCALE_ONE = 300
YEARS = 10
COUNCIL = f"{PREFIX}県・市町村連携推進会議"
COUNCIL_TEAMS = ["専門職員確保ワーキングチーム", "DX推進ワーキングチーム"]
REGIONAL_TEAMS = ["地域公共交通ワーキングチーム", "観光周遊ワーキングチーム",
                  "買い物支援ワーキングチーム", "防災ワーキングチーム"]
# How often each kind of body meets, relative to a working team.
WEIGHTS = {Body.Kind.COUNCIL: 3, Body.Kind.REGIONAL: 2, Body.Kind.WORKING_TEAM: 1}
TOPICS = ["連携テーマの検討", "調査結果の報告", "年度計画の協議", "先進事例の共有",
          "事業の進捗確認", "次年度の方針"]
AGENDA = ["連携課題・ニーズ調査の結果について", "新たな連携テーマの検討",
          "先進事例の紹介（横展開）", "各市町村の取組状況の報告", "共同事業の進捗について",
          "来年度の進め方について", "県の支援制度の説明", "意見交換"]
ACTIONS = ["次回までに各市町村の意向を取りまとめる", "共同発注の仕様案を作成する",
           "先進地への視察を調整する", "県の支援策を整理して共有する",
           "住民向けの説明資料を作成する", "ワーキングチームの設置を決定", "事業の継続を決定"]
SENTENCES = ["事務局から資料に基づき説明があった。", "委員から活発な意見が出された。",
             "引き続き検討することとした。", "原案のとおり了承された。",
             "次回会議で改めて協議することとした。"]
START_TIMES = [datetime.time(10, 0), datetime.time(13, 30), datetime.time(15, 0)]


def _synthetic_users() -> list[User]:
    """A planner, one liaison room per region and one planner per municipality, made only when
    the database has no one to seat; existing ``synthetic-`` accounts are reused."""
    existing = {user.username: user for user in User.objects.filter(
        username__startswith=USERNAME_PREFIX).select_related("organisation")}
    wanted = []
    prefecture = (Organisation.objects.filter(kind=Organisation.Kind.PREFECTURE, name="企画振興部")
                  .first() or Organisation.objects.filter(kind=Organisation.Kind.PREFECTURE)
                  .order_by("name").first())
    if prefecture:
        wanted.append(("pref", User.Role.PREFECTURE, prefecture, "企画担当"))
    for office in Organisation.objects.filter(kind=Organisation.Kind.BRANCH_OFFICE
                                              ).select_related("region").order_by("region"):
        wanted.append((office.region.code, User.Role.BRANCH, office, "連携支援室"))
    for organisation in Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY
                                                    ).select_related("municipality"):
        wanted.append((organisation.municipality.lg_code, User.Role.MUNICIPAL, organisation,
                       "企画担当"))
    new = [User(username=f"{USERNAME_PREFIX}{key}", role=role, organisation=organisation,
                last_name=f"{PREFIX}{organisation.name}", first_name=first_name,
                password=UNUSABLE_PASSWORD)
           for key, role, organisation, first_name in wanted
           if f"{USERNAME_PREFIX}{key}" not in existing]
    User.objects.bulk_create(new)
    return sorted([*existing.values(), *new], key=lambda user: user.username)


def _people() -> list[User]:
    roles = [User.Role.PREFECTURE, User.Role.BRANCH, User.Role.MUNICIPAL]
    people = list(User.objects.filter(is_active=True, role__in=roles, organisation__isnull=False)
                  .select_related("organisation").order_by("username"))
    return people or _synthetic_users()


def _bodies() -> list[Body]:
    """The synthetic council, one body per region and their working teams: made once, reused."""
    existing = {body.name: body for body in Body.objects.filter(name__startswith=PREFIX)
                .select_related("region", "parent")}
    regions = list(Region.objects.order_by("sort_order"))
    wanted = [Body(kind=Body.Kind.COUNCIL, name=COUNCIL)] + [
        Body(kind=Body.Kind.REGIONAL, region=region, name=f"{PREFIX}{region.name}地域 連携推進会議")
        for region in regions]
    Body.objects.bulk_create([body for body in wanted if body.name not in existing])
    parents = [existing.get(body.name, body) for body in wanted]
    teams = [Body(kind=Body.Kind.WORKING_TEAM, parent=parents[0], name=f"{PREFIX}{name}")
             for name in COUNCIL_TEAMS]
    teams += [Body(kind=Body.Kind.WORKING_TEAM, parent=parent,
                   name=f"{PREFIX}{parent.region.name}地域 {name}")
              for parent, name in zip(parents[1:], REGIONAL_TEAMS, strict=False)]
    Body.objects.bulk_create([team for team in teams if team.name not in existing])
    return parents + [existing.get(team.name, team) for team in teams]


def _seats(rng, body: Body, people: list[User], start: datetime.date) -> list[Membership]:
    """Who sits on a new body: the council has everyone, a region its office and towns, a team
    a few municipalities with a chair from the office or the prefecture."""
    by_role = {role: [p for p in people if p.role == role] for role in User.Role.values}
    region = body.parent.region_id if body.parent else body.region_id
    # Reference data gives a municipality's organisation its region too.
    local = [p for p in by_role[User.Role.MUNICIPAL]
             if region is None or p.organisation.region_id == region]
    office = [p for p in by_role[User.Role.BRANCH]
              if region is None or p.organisation.region_id == region]
    if body.kind == Body.Kind.COUNCIL:
        chairs, members = by_role[User.Role.PREFECTURE][:1], office + local
    elif body.kind == Body.Kind.REGIONAL:
        chairs, members = office[:1], local
    else:
        planners = by_role[User.Role.PREFECTURE][:1]
        chairs = (office[:1] or planners) if region else (planners or office[:1])
        members = rng.sample(local, min(len(local), rng.randint(3, 6)))
    titles = {User.Role.PREFECTURE: "企画振興部長", User.Role.BRANCH: "連携支援室長",
              User.Role.MUNICIPAL: "企画担当課長"}
    seats = [Membership(body=body, user=user, title=titles[user.role], is_chair=True,
                        starts_on=start) for user in chairs]
    return seats + [Membership(body=body, user=user, title=titles[user.role], starts_on=start)
                    for user in members if user not in chairs]


def _meeting_times(rng, first: datetime.date, last: datetime.date):
    day = first + datetime.timedelta(days=rng.randint(0, (last - first).days))
    if day.weekday() >= 5:  # councils meet on weekdays: move to the Monday
        day += datetime.timedelta(days=7 - day.weekday())
    starts = timezone.make_aware(datetime.datetime.combine(day, rng.choice(START_TIMES)))
    return starts, starts + datetime.timedelta(minutes=rng.choice([90, 120, 150]))


def _minutes(rng, meeting: Meeting, agenda: list[AgendaItem], now) -> Minutes:
    Status = Minutes.Status
    if meeting.status == Meeting.Status.CANCELLED or meeting.starts_at > now:
        return Minutes(meeting=meeting)
    age = (now - meeting.starts_at).days
    status = Status.CIRCULATED if age < 14 else Status.APPROVED if age < 30 else Status.PUBLISHED
    text = "（合成データ）\n" + "\n".join(
        f"{item.order}. {item.title}\n　{rng.choice(SENTENCES)}" for item in agenda)
    return Minutes(meeting=meeting, status=status, text=text)


# Synthetic measuring data has a synthetic audit trail of its own (devtools.synthetic.audit).
@audit.recorded_separately()
@transaction.atomic
def generate_meetings(count: int, *, seed: int = 1, batch_size: int = 2000) -> dict[str, int]:
    """Adds ``count`` synthetic meetings over the last ten fiscal years (a few ahead) with
    agendas, attendance, minutes and action items, on synthetic bodies made on the first run;
    later runs add meetings numbered on from the last. The same seed on the same day and
    database gives the same rows. Returns how many rows of each kind were added."""
    today = timezone.localdate()
    now = timezone.now()
    bodies = _bodies()
    last_numbers = dict(Meeting.objects.filter(body__in=bodies).values_list("body")
                        .annotate(last=Max("number")).values_list("body", "last"))
    rng = random.Random(f"meetings:{seed}:{sum(last_numbers.values())}")
    start = fiscal_year_bounds(fiscal_year(today) - YEARS + 1)[0]
    seated = {}
    for body_id, membership in ((m.body_id, m) for m in Membership.objects.filter(
            body__in=bodies).order_by("id")):
        seated.setdefault(body_id, []).append(membership)
    people = None
    new_seats = []
    for body in bodies:
        if body.pk not in seated:
            people = people if people is not None else _people()
            seated[body.pk] = _seats(rng, body, people, start)
            new_seats += seated[body.pk]
    Membership.objects.bulk_create(new_seats, batch_size=batch_size)

    surveys = list(Survey.objects.order_by("deadline").values_list("deadline", "pk"))
    initiatives = list(Initiative.objects.order_by("pk").values_list("pk", flat=True)[:2000])
    weights = [WEIGHTS[body.kind] for body in bodies]
    planned = sorted((rng.choices(range(len(bodies)), weights)[0],
                       *_meeting_times(rng, start + datetime.timedelta(days=20),
                                       today + datetime.timedelta(days=90)))
                      for _ in range(count))
    meetings, numbers = [], dict(last_numbers)
    for index, starts_at, ends_at in planned:
        body = bodies[index]
        numbers[body.pk] = numbers.get(body.pk, 0) + 1
        uid = uuid.UUID(int=rng.getrandbits(128), version=4)
        announced = starts_at - datetime.timedelta(days=rng.randint(10, 21))
        meetings.append(Meeting(
            body=body, number=numbers[body.pk], title=f"{PREFIX}{rng.choice(TOPICS)}",
            starts_at=starts_at, ends_at=ends_at, uid=uid,
            venue=rng.choice(["県庁 講堂", "県庁 大会議室", "総合支庁 会議室", "オンライン"]),
            online_url=f"https://meet.example.jp/{uid.hex[:12]}" if rng.random() < 0.3 else "",
            status=Meeting.Status.CANCELLED if rng.random() < 0.03 else Meeting.Status.PLANNED,
            announced_at=announced if announced <= now else None))
    Meeting.objects.bulk_create(meetings, batch_size=batch_size)

    agenda, attendance, minutes, actions = [], [], [], []
    for meeting in meetings:
        items = [AgendaItem(meeting=meeting, order=order, title=title)
                 for order, title in enumerate(rng.sample(AGENDA, rng.randint(3, 6)), start=1)]
        for item in items:
            before = bisect.bisect_left(surveys, (meeting.starts_at,))
            if item.title == AGENDA[0] and before:  # the results of the last closed survey
                item.survey_id = surveys[before - 1][1]
            elif item.title == AGENDA[2] and initiatives:
                item.initiative_id = rng.choice(initiatives)
        agenda += items
        minutes.append(_minutes(rng, meeting, items, now))
        if meeting.starts_at > now or meeting.status == Meeting.Status.CANCELLED:
            continue
        members = seated[meeting.body_id]
        for membership in members:
            status = rng.choices(Attendance.Status.values, weights=[85, 10, 5])[0]
            attendance.append(Attendance(
                meeting=meeting, membership=membership, status=status,
                proxy_name="代理出席者（合成）" if status == Attendance.Status.PROXY else ""))
        for _ in range(rng.randint(0, 3)):
            due = timezone.localtime(meeting.starts_at).date() + datetime.timedelta(
                days=rng.randint(30, 120))
            actions.append(ActionItem(
                meeting=meeting, title=rng.choice(ACTIONS), is_decision=rng.random() < 0.3,
                owner_id=rng.choice(members).user_id if members else None, due_on=due,
                status=ActionItem.Status.DONE if due < today and rng.random() < 0.85
                else ActionItem.Status.OPEN))
    AgendaItem.objects.bulk_create(agenda, batch_size=batch_size)
    Attendance.objects.bulk_create(attendance, batch_size=batch_size)
    Minutes.objects.bulk_create(minutes, batch_size=batch_size)
    ActionItem.objects.bulk_create(actions, batch_size=batch_size)
    return {"bodies": len(bodies), "memberships": len(new_seats), "meetings": len(meetings),
            "agenda items": len(agenda), "attendance": len(attendance),
            "action items": len(actions)}


def generate_for_scale(*, scale: float, seed: int) -> str:
    added = generate_meetings(max(1, round(MEETINGS_AT_SCALE_ONE * scale)), seed=seed)
    return (f"{added['meetings']} synthetic meetings on {added['bodies']} bodies "
            f"({added['memberships']} new seats), {added['agenda items']} agenda items, "
            f"{added['attendance']} attendance rows, {added['action items']} action items")
