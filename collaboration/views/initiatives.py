from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib import audit, caching
from portal.lib.permissions import (
    CHANGE,
    LOGGED_IN,
    PUBLISH,
    VIEW,
    access,
    can,
    can_create,
    get_object_or_404,
)
from portal.lib.tilemap import linked_to_catalogue
from portal.models import Attachment, Municipality
from portal.policies import attachments_of
from portal.public_site import PUBLIC_SITE, shared_for_anonymous
from portal.services.attachments import attachment_create, attachment_delete

from .. import selectors, similar_store, similarity
from ..forms import InitiativeAttachmentForm, InitiativeForm
from ..initiative_page import links_of, municipalities_of
from ..lineage import adopters, ancestors, descendants, spread_tile_map
from ..models import Initiative
from ..services.initiatives import initiative_create, initiative_publish, initiative_update
from ..similar_markup import similar_cases
from ..tilemaps import participation_tile_map

DETAIL_RELATED = (
    "methods", "policy_fields", "other_bodies", "themes",
    Prefetch("municipalities", queryset=Municipality.objects.select_related("region")))


def _initiative(user, pk, action=VIEW):
    queryset = Initiative.objects.select_related("category__axis", "lead_organisation",
                                                 "spread_from").prefetch_related(*DETAIL_RELATED)
    return get_object_or_404(user, action, queryset, pk=pk)


def _page(request, initiative) -> str:
    """Everything on an initiative's page, its editors' controls included; the same for every
    user the initiative policy decides alike until the initiatives or the audit trail (which
    records attachments too) change."""
    user = request.user
    visible = selectors.visible_initiatives(user)
    links = links_of(initiative, visible)
    editable = can(user, CHANGE, initiative)
    public = not user.is_authenticated
    # The 35 and who of them takes part, in one query for the map and the list.
    municipalities = municipalities_of(initiative)
    participants = [m for m in municipalities if m.taking_part]
    tile_map = participation_tile_map(initiative, municipalities,
                                      taking_part={m.pk for m in participants})
    similar = similar_store.similar_to_initiative(user, initiative,
                                                 fields=links.policy_fields,
                                                 methods=links.methods)
    return caching.render("collaboration/_initiative.html", {
        "initiative": initiative,
        "links": links,
        "participants": participants,
        # Visitors of the public site read the organisations, never a contact person.
        "public": public,
        "tile_map": linked_to_catalogue(tile_map) if public else tile_map,
        "ancestors": ancestors(initiative, visible),
        "similar": similar,
        # ``_similar_cases.html`` as written by its template, without the template's loop.
        "similar_markup": similar_cases(similar),
        "attachments": attachments_of(user, initiative),
        "can_edit": editable,
        "can_publish": can(user, PUBLISH, initiative),
        "attachment_form": InitiativeAttachmentForm() if editable else None,
        "history": audit.history_for(user, initiative, limit=30, may_change=True)
        if editable else [],
    }, request)


@shared_for_anonymous("initiative")
@access(PUBLIC_SITE)
def initiative_detail(request, pk):
    # Its own columns, framework and lead; the index columns are the similar-case lookup's.
    initiative = get_object_or_404(request.user, VIEW, Initiative.objects.select_related(
        "category", "lead_organisation").defer("search_text"), pk=pk)
    return render(request, "collaboration/initiative_detail.html", {
        "initiative": initiative,
        "content": caching.fragment(request, "initiative",
                                    (*selectors.TOPICS, "audit", similarity.TOPIC),
                                    (initiative.pk,), lambda: _page(request, initiative),
                                    reads=(Initiative,)),
    })


@access(LOGGED_IN)
def initiative_create_view(request):
    if not can_create(request.user, Initiative):
        raise PermissionDenied
    visible = selectors.visible_initiatives(request.user)
    form = InitiativeForm(request.POST or None, user=request.user, visible=visible)
    if request.method == "POST" and form.is_valid():
        values, relations = form.split()
        try:
            initiative = initiative_create(actor=request.user, values=values,
                                           relations=relations)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The initiative has been saved."))
            return redirect(initiative)
    return render(request, "collaboration/initiative_form.html", {"form": form},
                  status=400 if form.errors else 200)


@access(LOGGED_IN)
def initiative_edit(request, pk):
    initiative = _initiative(request.user, pk, CHANGE)
    visible = selectors.visible_initiatives(request.user)
    form = InitiativeForm(request.POST or None, instance=initiative, user=request.user,
                          visible=visible)
    if request.method == "POST" and form.is_valid():
        values, relations = form.split()
        try:
            initiative_update(actor=request.user, initiative=initiative, values=values,
                              relations=relations)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The initiative has been saved."))
            return redirect(initiative)
    return render(request, "collaboration/initiative_form.html",
                  {"form": form, "initiative": initiative},
                  status=400 if form.errors else 200)


@require_POST
@access(LOGGED_IN)
def initiative_publish_view(request, pk):
    initiative = _initiative(request.user, pk, CHANGE)
    publish = request.POST.get("publish") == "1"
    initiative_publish(actor=request.user, initiative=initiative, published=publish)
    messages.success(request, _("The initiative is published.") if publish
                     else _("The initiative is no longer published."))
    return redirect(initiative)


@require_POST
@access(LOGGED_IN)
def initiative_attach(request, pk):
    initiative = _initiative(request.user, pk, CHANGE)
    form = InitiativeAttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment_create(actor=request.user, owner=initiative,
                              upload=form.cleaned_data["file"], title=form.cleaned_data["title"],
                              is_public=form.cleaned_data["is_public"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(initiative.get_absolute_url() + "#attachments")
        messages.success(request, _("The file has been attached."))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    return redirect(initiative.get_absolute_url() + "#attachments")


@require_POST
@access(LOGGED_IN)
def initiative_detach(request, pk, attachment_pk):
    initiative = _initiative(request.user, pk, CHANGE)
    attachment = get_object_or_404(request.user, VIEW, Attachment.objects.all(),
                                   pk=attachment_pk, object_id=str(initiative.pk))
    attachment_delete(actor=request.user, attachment=attachment)
    messages.success(request, _("The file has been removed."))
    return redirect(initiative.get_absolute_url() + "#attachments")


@shared_for_anonymous("spread")
@access(PUBLIC_SITE)
def initiative_spread(request, pk):
    initiative = _initiative(request.user, pk)
    visible = selectors.visible_initiatives(request.user)
    spread = descendants(initiative, visible)
    adopted = adopters(initiative, spread)
    municipalities = list(Municipality.objects.select_related("region"))
    by_region = {}
    for municipality in municipalities:
        done, total = by_region.get(municipality.region, (0, 0))
        by_region[municipality.region] = (done + (municipality.pk in adopted), total + 1)
    public = not request.user.is_authenticated
    tile_map = spread_tile_map(initiative, municipalities, adopted)
    return render(request, "collaboration/initiative_spread.html", {
        "initiative": initiative,
        "public": public,
        "tile_map": linked_to_catalogue(tile_map) if public else tile_map,
        "by_region": sorted(by_region.items(), key=lambda item: item[0].sort_order),
        "not_yet": [m for m in municipalities if m.pk not in adopted],
        "adopted_count": len(adopted),
        "descendants": spread,
    })
