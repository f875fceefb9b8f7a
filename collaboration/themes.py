"""Reads about collaboration themes, always inside the user's scope: the list and its filters,
a theme's whole path (survey need → council → working team → initiatives → spread), and the
chain at a glance for the dashboard.

The surveys and meetings apps point at themes (``ThemeSource``, ``Body.theme``,
``AgendaItem.theme``); a theme's page reads them back here, read-only, through the app
registry so this app does not import theirs."""

from dataclasses import dataclass, field

import django_filters
from django import forms
from django.apps import apps
from django.core.exceptions import EmptyResultSet, ObjectDoesNotExist
from django.db import connection
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lib.permissions import FOLLOW, VIEW, can, scope
from portal.models import Region

from .lineage import descendants
from .models import Initiative, PolicyField, Theme

# Along the path, in the order a theme moves; 見送り stands aside.
PATH = (Theme.Status.CANDIDATE, Theme.Status.DISCUSSION, Theme.Status.WORKING_TEAM,
        Theme.Status.IMPLEMENTED, Theme.Status.SPREADING)


def visible_themes(user):
    return scope(user, VIEW, Theme.objects.all())


class ThemeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Theme.Status.choices)
    field = django_filters.ModelChoiceFilter(
        label=_("Policy field"), field_name="policy_fields", queryset=PolicyField.objects.all())
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=Region.objects.all(), to_field_name="code",
        method="filter_region")

    class Meta:
        model = Theme
        fields = ["status", "field", "region"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("status", "field", "region"):
            self.form.fields[name].empty_label = _("All")
        self.form.fields["status"].widget = forms.Select(
            choices=[("", _("All")), *Theme.Status.choices])

    def filter_region(self, queryset, name, value):
        """Themes of the region: proposed for it, born of its municipalities' needs, or led
        to an initiative there."""
        if not value:
            return queryset
        needs = Theme.objects.filter(source__municipalities__region=value).values("pk")
        initiatives = Theme.initiatives.through.objects.filter(
            initiative__municipalities__region=value).values("theme_id")
        return queryset.filter(Q(region=value) | Q(pk__in=needs) | Q(pk__in=initiatives))


def list_rows(queryset):
    """What a row of the list shows, in a fixed number of queries."""
    return queryset.select_related("region", "source__survey").prefetch_related(
        "policy_fields").annotate(
        initiative_count=Count("initiatives", distinct=True)).order_by("-created_at", "-id")


@dataclass
class Source:
    survey: object
    survey_url: str
    question: str
    choice: str
    municipalities: list  # (municipality, URL of its answer or "")


@dataclass
class Discussion:
    meeting: object
    items: list
    decisions: list
    minutes_status: str


@dataclass
class Team:
    body: object
    visible: bool
    members: list = field(default_factory=list)


@dataclass
class Outcome:
    initiative: object
    spread: list


def _answer_url(user, survey, municipality) -> str:
    # The survey's own rule: those who follow the municipality (prefecture staff, the liaison
    # room of its region) read its handed-in answer.
    if can(user, FOLLOW, municipality):
        return reverse("survey_response", args=[survey.pk, municipality.lg_code])
    if user.scope_municipality is not None and user.scope_municipality.pk == municipality.pk:
        return reverse("survey_answer", args=[survey.pk])
    return ""


def source_of(user, theme) -> Source | None:
    """The survey need the theme came from; the answers are linked for those who may read
    them (prefecture staff, the region's liaison room, the municipality itself)."""
    try:
        source = theme.source
    except ObjectDoesNotExist:
        return None
    survey = source.survey
    survey_url = reverse("survey_detail", args=[survey.pk]) if can(user, VIEW, survey) else ""
    chose = source.municipalities.select_related("region").order_by("lg_code")
    return Source(survey=survey, survey_url=survey_url, question=source.question.text,
                  choice=source.choice,
                  municipalities=[(m, _answer_url(user, survey, m)) for m in chose])


def discussions(user, theme) -> list[Discussion]:
    """The meetings (that the user may see) whose agenda took the theme up, oldest first,
    with the decisions recorded there."""
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    Meeting = apps.get_model("meetings", "Meeting")
    ActionItem = apps.get_model("meetings", "ActionItem")
    Minutes = apps.get_model("meetings", "Minutes")
    meetings = scope(user, VIEW, Meeting.objects.all())
    items = list(AgendaItem.objects.filter(theme=theme, meeting__in=meetings.values("pk"))
                 .select_related("meeting__body").order_by("meeting__starts_at", "order", "id"))
    by_meeting: dict[int, Discussion] = {}
    for item in items:
        meeting = item.meeting
        if meeting.pk not in by_meeting:
            by_meeting[meeting.pk] = Discussion(meeting, [], [], "")
        by_meeting[meeting.pk].items.append(item)
    decisions = scope(user, VIEW, ActionItem.objects.filter(
        meeting__in=list(by_meeting), is_decision=True)).order_by("id")
    for decision in decisions:
        by_meeting[decision.meeting_id].decisions.append(decision)
    for minutes in Minutes.objects.filter(meeting__in=list(by_meeting)).exclude(
            status=Minutes.Status.DRAFT):
        by_meeting[minutes.meeting_id].minutes_status = minutes.get_status_display()
    return list(by_meeting.values())


def teams(user, theme) -> list[Team]:
    """The councils and working teams that have the theme; their members (today's seats)
    are shown to those who may see the body."""
    Body = apps.get_model("meetings", "Body")
    bodies = list(Body.objects.filter(theme=theme).select_related("parent", "region")
                  .order_by("kind", "name"))
    visible = set(scope(user, VIEW, Body.objects.filter(pk__in=[b.pk for b in bodies]))
                  .values_list("pk", flat=True))
    today = timezone.localdate()
    return [Team(body, body.pk in visible, list(body.memberships.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=today), starts_on__lte=today).select_related(
        "user__organisation")) if body.pk in visible else []) for body in bodies]


def outcomes(user, theme) -> list[Outcome]:
    """The initiatives that came of the theme (those the user may see) and where each has
    spread (横展開)."""
    visible = scope(user, VIEW, Initiative.objects.all())
    linked = visible.filter(themes=theme).select_related("category").prefetch_related(
        "municipalities").order_by("title")
    return [Outcome(initiative, descendants(initiative, visible)) for initiative in linked]


def history(theme) -> list:
    return list(theme.status_changes.select_related("changed_by__organisation")
                .order_by("changed_on", "recorded_at", "id"))


def _ids_in(queryset):
    """(alias → ``AND <alias>.id IN (…)``, its parameters) for a scope that leaves something
    out; nothing for one that keeps every row."""
    if not queryset.query.has_filters():
        return (lambda alias: ""), ()
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return (lambda alias: f" AND {alias}.id IN ({sql})"), params


def chain(user) -> dict:
    """The chain at a glance: themes by status, and how many survey needs became themes,
    how many initiatives came of those themes and how many spreads followed. One query,
    whatever the numbers, written out: built by the ORM, its subqueries cost the dashboard
    more than the database's answer."""
    quote = connection.ops.quote_name
    statuses = (*PATH, Theme.Status.DECLINED)
    try:
        theme_scope, theme_params = _ids_in(visible_themes(user))
        seen_scope, seen_params = _ids_in(scope(user, VIEW, Initiative.objects.all()))
    except EmptyResultSet:  # a scope that holds nothing
        return _chain_of({}, statuses)
    theme, initiative = quote(Theme._meta.db_table), quote(Initiative._meta.db_table)
    source = quote(Theme._meta.get_field("source").related_model._meta.db_table)
    link = quote(Theme.initiatives.through._meta.db_table)
    # The themes born of a need; the initiatives that came of them; the spreads of those
    # initiatives, found by their indexes, not by reading every initiative.
    sql = f"""
        WITH theme AS (
            SELECT t.id, t.status,
                   EXISTS (SELECT 1 FROM {source} s WHERE s.theme_id = t.id) AS from_need
            FROM {theme} t WHERE 1 = 1{theme_scope("t")}
        ), came_of AS (
            SELECT l.initiative_id FROM {link} l JOIN theme ON theme.id = l.theme_id
            WHERE theme.from_need
        )
        SELECT COALESCE(SUM(CASE WHEN from_need THEN 1 ELSE 0 END), 0),
               {", ".join(["COALESCE(SUM(CASE WHEN status = %s THEN 1 ELSE 0 END), 0)"]
                          * len(statuses))},
               (SELECT COUNT(*) FROM {initiative} i
                WHERE i.id IN (SELECT initiative_id FROM came_of){seen_scope("i")}),
               (SELECT COUNT(*) FROM {initiative} i
                WHERE i.spread_from_id IN (
                    SELECT p.id FROM {initiative} p
                    WHERE p.id IN (SELECT initiative_id FROM came_of){seen_scope("p")})
                  AND i.id NOT IN (SELECT initiative_id FROM came_of){seen_scope("i")})
        FROM theme"""
    with connection.cursor() as cursor:
        cursor.execute(sql, (*theme_params, *statuses, *seen_params, *seen_params, *seen_params))
        needs, *by_status, initiatives, spreads = cursor.fetchone()
    return _chain_of({"needs": needs, "initiatives": initiatives, "spreads": spreads,
                      **dict(zip(statuses, by_status, strict=True))}, statuses)


def _chain_of(counts: dict, statuses) -> dict:
    by_status = [(status, Theme.Status(status).label, int(counts.get(status, 0)))
                 for status in statuses]
    return {
        "by_status": by_status,
        "total": sum(n for _status, _label, n in by_status),
        "needs": int(counts.get("needs", 0)),
        "initiatives": int(counts.get("initiatives", 0)),
        "spreads": int(counts.get("spreads", 0)),
    }
