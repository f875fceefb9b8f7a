import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from collaboration.models import PolicyField, Theme, ThemeStatusChange
from collaboration.services.themes import theme_change_status, theme_create
from meetings.models import ActionItem, AgendaItem, Body, Membership
from portal.models import AuditEntry, Region
from surveys.models import ThemeSource
from tests.collaboration.conftest import make_initiative
from tests.factories import UserFactory, municipality, municipality_org
from tests.meetings.conftest import make_council, make_meeting
from tests.surveys.conftest import make_survey

pytestmark = pytest.mark.django_db

YAMAGATA, OKURA, SAKATA = "062014", "063657", "062049"


def region(code):
    return Region.objects.get(code=code)


def need_theme(actor, codes=(YAMAGATA,), choice="水道"):
    """A theme born of a need that the municipalities ``codes`` chose in a survey."""
    survey = make_survey()
    theme = Theme.objects.create(title=f"{choice}（{survey.title}より）")
    source = ThemeSource.objects.create(theme=theme, survey=survey,
                                        question=survey.sections.get().questions.first(),
                                        choice=choice, created_by=actor)
    source.municipalities.set([municipality(code) for code in codes])
    return theme


def detail(client, user, theme):
    client.force_login(user)
    return client.get(reverse("theme_detail", args=[theme.pk]))


# --- Who sees which theme ---------------------------------------------------------------

def test_a_need_theme_is_seen_by_the_municipality_that_chose_it_and_not_by_another(
        client, prefecture_user, municipal_user, other_municipal_user):
    theme = need_theme(prefecture_user, codes=(YAMAGATA,))
    assert detail(client, prefecture_user, theme).status_code == 200
    assert detail(client, municipal_user, theme).status_code == 200
    assert detail(client, other_municipal_user, theme).status_code == 404
    client.force_login(other_municipal_user)
    assert theme.title not in client.get(reverse("theme_list")).content.decode()


def test_a_regional_theme_is_seen_by_its_liaison_room_only(
        client, branch_user, other_branch_user, municipal_user):
    theme = theme_create(actor=branch_user, title="除雪の広域連携")
    assert theme.region == region("murayama")
    assert detail(client, branch_user, theme).status_code == 200
    assert detail(client, other_branch_user, theme).status_code == 404
    # A municipality of the region is not part of it until it takes part.
    assert detail(client, municipal_user, theme).status_code == 404


def test_a_prefecture_wide_theme_is_seen_by_every_liaison_room(
        client, prefecture_user, branch_user, other_branch_user):
    theme = theme_create(actor=prefecture_user, title="専門技術職員の確保")
    assert detail(client, branch_user, theme).status_code == 200
    assert detail(client, other_branch_user, theme).status_code == 200


def test_a_municipality_is_part_of_a_theme_through_an_initiative_or_a_team_seat(
        client, prefecture_user, municipal_user, other_municipal_user):
    theme = theme_create(actor=prefecture_user, title="買い物弱者対策", region=region("mogami"))
    assert detail(client, municipal_user, theme).status_code == 404
    theme.initiatives.add(make_initiative("移動販売の共同運行", codes=(YAMAGATA,)))
    assert detail(client, municipal_user, theme).status_code == 200

    assert detail(client, other_municipal_user, theme).status_code == 404
    council = make_council()
    team = Body.objects.create(kind=Body.Kind.WORKING_TEAM, name="買い物支援WT", parent=council,
                               theme=theme)
    Membership.objects.create(body=team, user=other_municipal_user, title="主査",
                              starts_on=datetime.date(2026, 4, 1))
    assert detail(client, other_municipal_user, theme).status_code == 200
    # The rule reads the organisation: a colleague of the same municipality is part too.
    colleague = UserFactory(organisation=municipality_org(OKURA))
    assert detail(client, colleague, theme).status_code == 200


# --- Creating and editing ---------------------------------------------------------------

def test_prefecture_staff_create_a_theme_with_fields_and_region(client, prefecture_user):
    client.force_login(prefecture_user)
    water = PolicyField.objects.get(name="水道")
    response = client.post(reverse("theme_create"), {
        "title": "水道事業の広域化", "description": "置賜の水道", "policy_fields": [water.pk],
        "region": region("okitama").pk})
    theme = Theme.objects.get(title="水道事業の広域化")
    assert response.url == theme.get_absolute_url()
    assert (theme.status, theme.region, list(theme.policy_fields.all()), theme.proposed_by) == (
        Theme.Status.CANDIDATE, region("okitama"), [water], prefecture_user)
    assert AuditEntry.objects.filter(content_type__model="theme", object_id=str(theme.pk),
                                     action="create").exists()


def test_a_liaison_room_proposes_for_its_own_region_whatever_it_sends(client, branch_user):
    client.force_login(branch_user)
    page = client.get(reverse("theme_create")).content.decode()
    assert 'name="region"' not in page
    client.post(reverse("theme_create"), {"title": "地域公共交通の共同運行",
                                          "region": region("shonai").pk})
    theme = Theme.objects.get()
    assert (theme.region, theme.status) == (region("murayama"), Theme.Status.CANDIDATE)


def test_a_liaison_room_cannot_edit_or_move_a_theme_and_a_municipality_only_reads(
        client, branch_user, municipal_user, prefecture_user):
    theme = need_theme(prefecture_user, codes=(YAMAGATA,))
    for user in (branch_user, municipal_user):
        client.force_login(user)
        assert client.get(reverse("theme_edit", args=[theme.pk])).status_code == 404
        assert client.post(reverse("theme_status", args=[theme.pk]), {
            "status": "discussion", "note": "x", "changed_on": "2026-12-01"}).status_code == 404
        assert client.get(reverse("theme_initiatives", args=[theme.pk])).status_code == 404
        page = client.get(theme.get_absolute_url()).content.decode()
        assert reverse("theme_edit", args=[theme.pk]) not in page
        assert 'name="note"' not in page
    client.force_login(municipal_user)
    assert client.get(reverse("theme_create")).status_code == 403
    assert client.post(reverse("theme_create"), {"title": "x"}).status_code == 403
    assert Theme.objects.count() == 1


def test_editing_keeps_the_status_and_refuses_an_empty_title(client, prefecture_user):
    theme = theme_create(actor=prefecture_user, title="旧題")
    client.force_login(prefecture_user)
    url = reverse("theme_edit", args=[theme.pk])
    assert client.post(url, {"title": ""}).status_code == 400
    client.post(url, {"title": "新題", "description": "説明"})
    theme.refresh_from_db()
    assert (theme.title, theme.description, theme.region, theme.status) == (
        "新題", "説明", None, Theme.Status.CANDIDATE)


# --- The status path ----------------------------------------------------------------------

def test_each_status_change_is_dated_noted_audited_and_shown(client, prefecture_user,
                                                              municipal_user):
    theme = need_theme(prefecture_user, codes=(YAMAGATA,))
    client.force_login(prefecture_user)
    url = reverse("theme_status", args=[theme.pk])
    today = timezone.localdate()
    response = client.post(url, {"status": "discussion", "note": "推進会議で協議を開始",
                                 "changed_on": today.isoformat()})
    assert response.url == theme.get_absolute_url()
    client.post(url, {"status": "working_team", "note": "WTを設置",
                      "changed_on": today.isoformat()})
    steps = list(ThemeStatusChange.objects.filter(theme=theme).values_list(
        "from_status", "to_status", "note", "changed_by"))
    assert steps == [("candidate", "discussion", "推進会議で協議を開始", prefecture_user.pk),
                     ("discussion", "working_team", "WTを設置", prefecture_user.pk)]
    theme.refresh_from_db()
    assert theme.status == Theme.Status.WORKING_TEAM
    assert AuditEntry.objects.filter(content_type__model="themestatuschange").count() == 2

    page = detail(client, municipal_user, theme).content.decode()
    assert "推進会議で協議を開始" in page and "WTを設置" in page
    assert prefecture_user.display_name in page and prefecture_user.username not in page
    assert 'aria-current="step">ワーキングチームで検討中' in page


@pytest.mark.parametrize("form, field", [
    ({"status": "discussion", "note": ""}, "note"),
    ({"status": "discussion", "note": "   "}, "note"),
    ({"status": "candidate", "note": "同じ"}, "status"),
    ({"status": "no-such", "note": "x"}, "status"),
    ({"status": "discussion", "note": "x", "changed_on": "2999-01-01"}, "changed_on"),
    ({"status": "discussion", "note": "x", "changed_on": "2000-01-01"}, "changed_on"),
    ({"status": "discussion", "note": "x", "changed_on": "not a date"}, "changed_on"),
])
def test_a_bad_status_change_is_refused_with_a_message_and_changes_nothing(
        client, prefecture_user, form, field):
    theme = theme_create(actor=prefecture_user, title="テーマ")
    client.force_login(prefecture_user)
    form = {"changed_on": timezone.localdate().isoformat(), **form}
    response = client.post(reverse("theme_status", args=[theme.pk]), form)
    assert response.status_code == 400
    assert response.context["status_form"].errors.get(field)
    theme.refresh_from_db()
    assert theme.status == Theme.Status.CANDIDATE and not theme.status_changes.exists()


def test_days_open_count_to_today_and_stop_when_not_taken_up(client, prefecture_user):
    theme = theme_create(actor=prefecture_user, title="長く続くテーマ")
    Theme.objects.filter(pk=theme.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=40))
    theme.refresh_from_db()
    client.force_login(prefecture_user)
    assert "40日" in client.get(reverse("theme_list")).content.decode()
    theme_change_status(actor=prefecture_user, theme=theme, status="declined", note="見送り")
    theme.refresh_from_db()
    assert theme.closed_at is not None
    later = timezone.now() + datetime.timedelta(days=30)
    assert theme.days_open(later) == 40
    theme_change_status(actor=prefecture_user, theme=theme, status="candidate", note="再開")
    theme.refresh_from_db()
    assert theme.closed_at is None and theme.days_open(later) == 70


# --- Filters ---------------------------------------------------------------------------

def test_the_list_filters_by_status_field_and_region(client, prefecture_user):
    water = theme_create(actor=prefecture_user, title="水道テーマ",
                         policy_fields=[PolicyField.objects.get(name="水道")],
                         region=region("okitama"))
    tourism = theme_create(actor=prefecture_user, title="観光テーマ",
                           policy_fields=[PolicyField.objects.get(name="観光")])
    theme_change_status(actor=prefecture_user, theme=tourism, status="discussion", note="協議")
    from_shonai = need_theme(prefecture_user, codes=(SAKATA,), choice="防災")
    client.force_login(prefecture_user)

    def titles(**query):
        response = client.get(reverse("theme_list"), query)
        assert response.status_code == 200
        return {theme.title for theme, _days in response.context["rows"]}

    assert titles() == {water.title, tourism.title, from_shonai.title}
    assert titles(status="discussion") == {tourism.title}
    assert titles(field=PolicyField.objects.get(name="水道").pk) == {water.title}
    assert titles(region="okitama") == {water.title}
    assert titles(region="shonai") == {from_shonai.title}  # 酒田市 chose the need
    assert titles(status="candidate", region="okitama") == {water.title}
    assert client.get(reverse("theme_list"), {"status": "nonsense"}).status_code == 400


# --- The path on the page ---------------------------------------------------------------

def test_the_page_links_answers_only_for_those_who_may_read_them(
        client, prefecture_user, branch_user, municipal_user):
    theme = need_theme(prefecture_user, codes=(YAMAGATA, SAKATA))
    survey = theme.source.survey
    yamagata_answer = reverse("survey_response", args=[survey.pk, YAMAGATA])
    sakata_answer = reverse("survey_response", args=[survey.pk, SAKATA])
    page = detail(client, prefecture_user, theme).content.decode()
    assert yamagata_answer in page and sakata_answer in page and "連携したい分野" in page
    page = detail(client, branch_user, theme).content.decode()  # 村山: 山形市 only
    assert yamagata_answer in page and sakata_answer not in page and "酒田市" in page
    page = detail(client, municipal_user, theme).content.decode()
    assert yamagata_answer not in page and sakata_answer not in page
    assert reverse("survey_answer", args=[survey.pk]) in page


def test_the_page_shows_meetings_decisions_team_and_initiatives_with_their_spread(
        client, prefecture_user, municipal_user, other_municipal_user):
    theme = need_theme(prefecture_user, codes=(YAMAGATA, OKURA))
    council = make_council(municipal_user)
    meeting = make_meeting(prefecture_user, council)
    AgendaItem.objects.filter(meeting=meeting, title="連携テーマの検討").update(theme=theme)
    ActionItem.objects.create(meeting=meeting, title="WTを設置して検討する", is_decision=True)
    ActionItem.objects.create(meeting=meeting, title="資料を送る")
    team = Body.objects.create(kind=Body.Kind.WORKING_TEAM, name="水道WT", parent=council,
                               theme=theme, starts_on=datetime.date(2026, 4, 1))
    Membership.objects.create(body=team, user=municipal_user, title="主査",
                              starts_on=datetime.date(2026, 4, 1))
    model = make_initiative("水道の共同発注", codes=(YAMAGATA,), is_model=True)
    spread = make_initiative("水道の共同発注（最上）", codes=(OKURA,), spread_from=model)
    theme.initiatives.add(model)

    page = detail(client, municipal_user, theme).content.decode()
    assert meeting.get_absolute_url() in page and "WTを設置して検討する" in page
    assert "資料を送る" not in page
    assert team.get_absolute_url() in page and municipal_user.name_and_organisation in page
    assert model.get_absolute_url() in page and spread.get_absolute_url() in page
    # 大蔵村 chose the need but sits on neither body: it sees the path, not the meeting.
    page = detail(client, other_municipal_user, theme).content.decode()
    assert meeting.get_absolute_url() not in page and team.get_absolute_url() not in page
    assert "水道WT" in page and municipal_user.username not in page


def test_initiatives_are_linked_by_search_and_unlinked(client, prefecture_user):
    theme = theme_create(actor=prefecture_user, title="水道テーマ")
    found = make_initiative("水道料金の共同徴収")
    other = make_initiative("観光ルートの共同開発", fields=("観光",))
    client.force_login(prefecture_user)
    url = reverse("theme_initiatives", args=[theme.pk])
    page = client.get(url, {"q": "水道料金"}).content.decode()
    assert f'value="{found.pk}"' in page and f'value="{other.pk}"' not in page
    assert client.post(url, {"initiative": found.pk}).url == theme.get_absolute_url()
    assert list(theme.initiatives.all()) == [found]
    assert client.post(url, {"initiative": "999999"}).status_code == 404
    assert client.post(url, {"initiative": "abc"}).status_code == 404
    remove = reverse("theme_initiative_remove", args=[theme.pk, found.pk])
    assert client.post(remove).status_code == 302
    assert not theme.initiatives.exists() and client.post(remove).status_code == 404


# --- Dashboard -------------------------------------------------------------------------

def test_the_dashboard_counts_themes_by_status_and_the_chain_from_needs(
        client, prefecture_user, municipal_user):
    from_need = need_theme(prefecture_user, codes=(YAMAGATA,))
    theme_change_status(actor=prefecture_user, theme=from_need, status="implemented",
                        note="事業化")
    theme_create(actor=prefecture_user, title="直接のテーマ")
    model = make_initiative("水道の共同発注", codes=(YAMAGATA,))
    make_initiative("水道の共同発注（横展開）", codes=(OKURA,), spread_from=model)
    make_initiative("無関係な取組み", codes=(OKURA,))
    from_need.initiatives.add(model)

    client.force_login(prefecture_user)
    page = client.get(reverse("dashboard")).content.decode()
    assert "調査のニーズから生まれたテーマ" in page
    from collaboration.themes import chain

    counts = chain(prefecture_user)
    assert (counts["needs"], counts["initiatives"], counts["spreads"], counts["total"]) == (
        1, 1, 1, 2)
    assert dict((value, n) for value, _label, n in counts["by_status"]) == {
        "candidate": 1, "discussion": 0, "working_team": 0, "implemented": 1, "spreading": 0,
        "declined": 0}
    # 山形市 is part of the need's theme only.
    mine = chain(municipal_user)
    assert (mine["total"], mine["needs"], mine["initiatives"]) == (1, 1, 1)


def straightforward_chain(user) -> dict:
    """The chain read the straightforward way, by the ORM, to compare the one query with."""
    from django.db.models import Count, Q

    from collaboration.models import Initiative
    from collaboration.themes import PATH, visible_themes
    from portal.lib.permissions import VIEW, scope

    themes = visible_themes(user)
    statuses = (*PATH, Theme.Status.DECLINED)
    counts = themes.aggregate(**{s: Count("pk", filter=Q(status=s)) for s in statuses})
    from_needs = themes.filter(source__isnull=False)
    came_of = set(Theme.initiatives.through.objects.filter(theme__in=from_needs).values_list(
        "initiative_id", flat=True))
    visible = scope(user, VIEW, Initiative.objects.all())
    seen = set(visible.filter(pk__in=came_of).values_list("pk", flat=True))
    return {"by_status": [(s, Theme.Status(s).label, counts[s]) for s in statuses],
            "total": sum(counts.values()), "needs": from_needs.count(), "initiatives": len(seen),
            "spreads": visible.filter(spread_from__in=seen).exclude(pk__in=came_of).count()}


def test_the_chain_in_one_query_agrees_with_the_straightforward_reads_for_every_role(
        users_by_role, prefecture_user, django_assert_num_queries):
    from django.contrib.auth.models import AnonymousUser

    from collaboration.themes import chain

    from_need = need_theme(prefecture_user, codes=(YAMAGATA,))
    other_need = need_theme(prefecture_user, codes=(SAKATA,), choice="防災")
    theme_create(actor=prefecture_user, title="直接のテーマ",
                 region=Region.objects.get(code="mogami"))
    theme_change_status(actor=prefecture_user, theme=other_need, status="declined", note="見送り")
    model = make_initiative("水道の共同発注", codes=(YAMAGATA,))
    hidden = make_initiative("酒田の非公開", codes=(SAKATA,), published=False)
    for n, (code, published) in enumerate([(OKURA, True), (OKURA, False), (SAKATA, False)]):
        make_initiative(f"横展開{n}", codes=(code,), spread_from=model, published=published)
    make_initiative("非公開からの横展開", codes=(YAMAGATA,), spread_from=hidden)
    make_initiative("無関係な取組み", codes=(OKURA,))
    from_need.initiatives.add(model)
    other_need.initiatives.add(hidden, model)
    seen = set()
    for user in (*users_by_role.values(), AnonymousUser()):
        assert chain(user) == straightforward_chain(user), user
        with django_assert_num_queries(1 if user.is_authenticated else 0):
            found = chain(user)  # its organisation read, as a request's user has it
        seen.add((found["total"], found["needs"], found["initiatives"], found["spreads"]))
    assert len(seen) > 2  # the roles see different chains


def test_the_dashboard_panel_follows_a_status_change(client, prefecture_user):
    theme = theme_create(actor=prefecture_user, title="テーマ")
    client.force_login(prefecture_user)

    def discussing():
        page = client.get(reverse("dashboard")).content.decode()
        return page.split('href="/themes/?status=discussion">協議中</a></th><td class="num">')[
            1].split("<")[0]

    assert discussing() == "0"
    theme_change_status(actor=prefecture_user, theme=theme, status="discussion", note="協議")
    assert discussing() == "1"
