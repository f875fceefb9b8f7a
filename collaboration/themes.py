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
from django.core.exceptions import ObjectDoesNotExist
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


def chain(user) -> dict:
    """The chain at a glance: themes by status, and how many survey needs became themes,
    how many initiatives came of those themes and how many spreads followed. Two queries,
    whatever the numbers."""
    themes = visible_themes(user)
    statuses = (*PATH, Theme.Status.DECLINED)
    counts = themes.order_by().aggregate(
        needs=Count("pk", filter=Q(source__isnull=False)),
        **{status: Count("pk", filter=Q(status=status)) for status in statuses})
    from_needs = themes.filter(source__isnull=False).values("pk")
    came_of = Theme.initiatives.through.objects.filter(theme__in=from_needs).values(
        "initiative_id")
    visible = scope(user, VIEW, Initiative.objects.all()).order_by()
    seen = visible.filter(pk__in=came_of).values("pk")
    # Counted over the few initiatives either condition can hold for, found by their indexes,
    # not over every initiative.
    # Neither part ordered: SQLite refuses ORDER BY inside a UNION.
    either = came_of.order_by().union(
        Initiative.objects.filter(spread_from__in=seen).order_by().values("pk"))
    outcomes = visible.filter(pk__in=either).aggregate(
        initiatives=Count("pk", filter=Q(pk__in=came_of)),
        spreads=Count("pk", filter=Q(spread_from__in=seen) & ~Q(pk__in=came_of)))
    by_status = [(status, Theme.Status(status).label, counts[status]) for status in statuses]
    return {
        "by_status": by_status,
        "total": sum(n for _status, _label, n in by_status),
        "needs": counts["needs"],
        "initiatives": outcomes["initiatives"],
        "spreads": outcomes["spreads"],
    }
