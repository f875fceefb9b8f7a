from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from . import composition, dashboard_map, selectors
from .forms import MapColourForm, StatisticsImportForm
from .lib import attention, audit, caching, permissions
from .lib.permissions import LOGGED_IN, VIEW, Roles, access, get_object_or_404
from .lib.sections import section_fragments
from .lib.tilemap import region_tile_map, scale_tile_map
from .models import AuditEntry, Indicator, Municipality, StatisticValue, User
from .public_site import PUBLIC_SITE, shared_for_anonymous
from .services.statistics_import import StatisticsImportError, import_statistics
from .statistics import SPECS


@shared_for_anonymous("home")
@access(PUBLIC_SITE)
def home(request):
    if not request.user.is_authenticated:
        return render(request, "portal/public_home.html")
    return render(request, "portal/home.html", {
        "items": attention.items_for(request.user, composition.HOME_ITEMS),
    })


@access(LOGGED_IN)
def municipality_list(request):
    form = MapColourForm(request.GET or None)
    groups = selectors.municipalities_by_region(request.user)
    municipalities = [m for _region, members in groups for m in members]
    colour, values, has_demo_values = form.chosen(), {}, False
    if colour == MapColourForm.REGION:
        tile_map = region_tile_map(municipalities)
    else:
        snapshot = selectors.latest_values(colour)
        values, has_demo_values = snapshot.values, snapshot.has_demo_values
        title = _("%(indicator)s by municipality (%(year)s)") % {
            "indicator": Indicator(colour).label, "year": snapshot.year or "—"}
        tile_map = scale_tile_map(municipalities, values, title=title,
                                  unit=str(SPECS[colour].unit))
    return render(request, "portal/municipality_list.html", {
        "form": form,
        "colour_label": dict(form.fields["colour"].choices)[colour],
        "show_values": colour != MapColourForm.REGION,
        "colour": colour,
        "has_demo_values": has_demo_values,
        "groups": [(region, [(m, values.get(m.lg_code)) for m in members])
                   for region, members in groups],
        "tile_map": tile_map,
        "may_import": permissions.can_create(request.user, StatisticValue),
    }, status=400 if form.errors else 200)


@access(Roles(User.Role.PREFECTURE))
def statistics_import(request):
    problems, status = [], 200
    form = StatisticsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                result = import_statistics(content=upload.read(), filename=upload.name,
                                           is_demo=form.cleaned_data["is_demo"])
            except StatisticsImportError as error:
                problems = error.problems
            else:
                messages.success(request, _(
                    "%(created)s figures added, %(updated)s updated, %(unchanged)s unchanged."
                ) % {"created": result.created, "updated": result.updated,
                     "unchanged": result.unchanged})
                return redirect("municipality_list")
    return render(request, "portal/statistics_import.html", {
        "form": form, "problems": problems, "indicators": Indicator.choices,
    }, status=status)


def _statistics(request, municipality) -> str:
    return caching.render("portal/_municipality_statistics.html",
                          selectors.statistics_summary(municipality), request)


@access(LOGGED_IN)
def municipality_detail(request, lg_code):
    municipality = get_object_or_404(
        request.user, VIEW, Municipality.objects.select_related("region", "subarea"),
        lg_code=lg_code,
    )
    pieces = [
        caching.Fragment("municipality-statistics", ("statistics", "reference"),
                         (municipality.lg_code,), lambda: _statistics(request, municipality)),
        *section_fragments(request, municipality, composition.MUNICIPALITY_SECTIONS)]
    if permissions.can(request.user, VIEW, AuditEntry):
        pieces.append(caching.Fragment(
            "municipality-history", ("audit", "reference"), (municipality.lg_code,),
            lambda: caching.render("portal/_history.html", {
                "history": audit.history_for(request.user, municipality, limit=30)}, request)))
    # Every piece in three round trips to the cache.
    statistics, *sections = caching.fragments(request, pieces)
    history = sections.pop() if len(sections) > len(composition.MUNICIPALITY_SECTIONS) else ""
    return render(request, "portal/municipality_detail.html", {
        "municipality": municipality, "statistics": statistics, "history": history,
        "sections": sections,
    })


@access(LOGGED_IN)
def dashboard(request):
    offered = composition.DASHBOARD_MEASURES
    chosen = request.GET.get("measure") or (offered[0].code if offered else "")
    measure = next((m for m in offered if m.code == chosen), None)
    status = 200
    if measure is None:
        measure, status = (offered[0] if offered else None), 400

    # Each picture is kept under the topics it is drawn from; the panels, the same whatever
    # the measure, apart from the map.
    pieces = [caching.Fragment(
        f"dashboard-panel:{panel.template}", (*panel.topics, "reference"), (),
        lambda panel=panel: caching.render(panel.template, {
            "data": panel.context(request.user)}, request), panel.reads)
        for panel in composition.DASHBOARD_PANELS]
    if measure:
        pieces.insert(0, caching.Fragment(
            f"dashboard-map:{measure.code}", (*measure.topics, "reference"), (),
            lambda: dashboard_map.coloured_map(request, measure), measure.reads))
    built = caching.fragments(request, pieces)
    return render(request, "portal/dashboard.html", {
        "measures": offered, "measure": measure, "invalid": status == 400,
        "map": built.pop(0) if measure else "",
        "panels": built,
    }, status=status)
