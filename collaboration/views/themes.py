"""Collaboration themes: the list, a theme's whole path, and the pages prefecture staff keep
them on (a liaison room proposes; a municipality reads)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib import audit
from portal.lib.permissions import (
    CHANGE,
    LOGGED_IN,
    VIEW,
    access,
    can,
    can_create,
    get_object_or_404,
    scope,
)

from .. import themes as reads
from ..models import Initiative, Theme
from ..policies import KEEP_THEMES
from ..search import matching
from ..services.themes import (
    theme_change_status,
    theme_create,
    theme_link_initiative,
    theme_unlink_initiative,
    theme_update,
)
from ..theme_forms import StatusForm, ThemeForm

PER_PAGE = 50
SEARCH_LIMIT = 20


def _theme(user, pk, action=VIEW) -> Theme:
    return get_object_or_404(user, action, Theme.objects.select_related(
        "region", "proposed_by__organisation"), pk=pk)


@access(LOGGED_IN)
def theme_list(request):
    user = request.user
    themes = reads.ThemeFilter(request.GET, queryset=reads.visible_themes(user))
    if not themes.is_valid():
        return render(request, "collaboration/themes/theme_list.html", {
            "filter": themes, "page": None, "can_create": can_create(user, Theme),
            "keeps_themes": can(user, KEEP_THEMES, Theme),
            "query": _without_page(request)}, status=400)
    page = Paginator(reads.list_rows(themes.qs), PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    return render(request, "collaboration/themes/theme_list.html", {
        "filter": themes, "page": page,
        "rows": [(theme, theme.days_open(now)) for theme in page],
        "can_create": can_create(user, Theme),
        "keeps_themes": can(user, KEEP_THEMES, Theme),
        "query": _without_page(request),
    })


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _detail(request, theme, *, status_form=None, status=200):
    user = request.user
    editable = can(user, CHANGE, theme)
    if editable and status_form is None:
        status_form = StatusForm(theme=theme)
    return render(request, "collaboration/themes/theme_detail.html", {
        "theme": theme,
        "days_open": theme.days_open(),
        "path": [(value, Theme.Status(value).label) for value in reads.PATH],
        "source": reads.source_of(user, theme),
        "changes": reads.history(theme),
        "discussions": reads.discussions(user, theme),
        "teams": reads.teams(user, theme),
        "outcomes": reads.outcomes(user, theme),
        "fields": theme.policy_fields.all(),
        "can_edit": editable,
        "status_form": status_form if editable else None,
        "audit": audit.history_for(user, theme, limit=30) if editable else [],
    }, status=status)


@access(LOGGED_IN)
def theme_detail(request, pk):
    return _detail(request, _theme(request.user, pk))


@access(LOGGED_IN)
def theme_create_view(request):
    if not can_create(request.user, Theme):
        raise PermissionDenied
    form = ThemeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theme = theme_create(actor=request.user, title=data["title"],
                                 description=data["description"],
                                 policy_fields=data["policy_fields"],
                                 region=data.get("region"))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The collaboration theme has been saved.")
                             if can(request.user, KEEP_THEMES, Theme)
                             else _("The collaboration theme has been proposed."))
            return redirect(theme)
    return render(request, "collaboration/themes/theme_form.html",
                  {"form": form, "keeps_themes": can(request.user, KEEP_THEMES, Theme)},
                  status=400 if form.errors else 200)


@access(LOGGED_IN)
def theme_edit(request, pk):
    theme = _theme(request.user, pk, CHANGE)
    form = ThemeForm(request.POST or None, user=request.user, theme=theme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            theme_update(actor=request.user, theme=theme, title=data["title"],
                         description=data["description"], policy_fields=data["policy_fields"],
                         region=data.get("region"))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The collaboration theme has been saved."))
            return redirect(theme)
    return render(request, "collaboration/themes/theme_form.html",
                  {"form": form, "theme": theme,
                   "keeps_themes": can(request.user, KEEP_THEMES, Theme)},
                  status=400 if form.errors else 200)


@require_POST
@access(LOGGED_IN)
def theme_status(request, pk):
    theme = _theme(request.user, pk, CHANGE)
    form = StatusForm(request.POST, theme=theme)
    if form.is_valid():
        data = form.cleaned_data
        try:
            change = theme_change_status(actor=request.user, theme=theme, status=data["status"],
                                         note=data["note"], changed_on=data["changed_on"])
        except ValidationError as error:
            for name, problems in error.message_dict.items():
                form.add_error(name if name in form.fields else None, problems)
        else:
            messages.success(request, _("The status is now “%(status)s”.")
                             % {"status": change.get_to_status_display()})
            return redirect(theme)
    return _detail(request, theme, status_form=form, status=400)


@access(LOGGED_IN)
def theme_initiatives(request, pk):
    """Finding the initiatives that came of the theme by their words, and linking them."""
    theme = _theme(request.user, pk, CHANGE)
    visible = scope(request.user, VIEW, Initiative.objects.all())
    if request.method == "POST":
        chosen = request.POST.get("initiative", "")
        initiative = visible.filter(pk=int(chosen)).first() \
            if chosen.isdigit() and len(chosen) < 12 else None
        if initiative is None:
            raise Http404
        theme_link_initiative(actor=request.user, theme=theme, initiative=initiative)
        messages.success(request, _("“%(title)s” is linked to the theme.")
                         % {"title": initiative.title})
        return redirect(theme)
    words = request.GET.get("q", "").strip()[:200]
    linked = set(theme.initiatives.values_list("pk", flat=True))
    found = list(visible.filter(matching(words)).exclude(pk__in=linked).select_related(
        "category").order_by("-updated_at", "-id")[:SEARCH_LIMIT]) if words else []
    return render(request, "collaboration/themes/theme_initiatives.html", {
        "theme": theme, "q": words, "found": found, "searched": bool(words),
        "linked": visible.filter(pk__in=linked).select_related("category").order_by("title"),
    })


@require_POST
@access(LOGGED_IN)
def theme_initiative_remove(request, pk, initiative_pk):
    theme = _theme(request.user, pk, CHANGE)
    initiative = theme.initiatives.filter(pk=initiative_pk).first()
    if initiative is None:
        raise Http404
    theme_unlink_initiative(actor=request.user, theme=theme, initiative=initiative)
    messages.success(request, _("“%(title)s” is no longer linked to the theme.")
                     % {"title": initiative.title})
    return redirect("theme_initiatives", pk=theme.pk)
