"""The policy's framework as prefecture staff keep it: list, add and change its items."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.permissions import CHANGE, Roles, access, get_object_or_404
from portal.models import User

from ..models import Axis, Category, Method, PolicyField
from ..services.framework import framework_item_save

FRAMEWORK_EDITORS = Roles(User.Role.PREFECTURE)


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type
    title: str
    fields: tuple[str, ...]


KINDS = {kind.slug: kind for kind in (
    Kind("axes", Axis, gettext_lazy("Axes"), ("code", "name", "sort_order")),
    Kind("categories", Category, gettext_lazy("Categories"),
         ("code", "label", "axis", "name", "main_methods", "sort_order")),
    Kind("methods", Method, gettext_lazy("Collaboration methods"), ("name", "sort_order")),
    Kind("fields", PolicyField, gettext_lazy("Policy fields"), ("name", "sort_order")),
)}


def _kind(slug) -> Kind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404("No such part of the framework") from None


def _form_class(kind: Kind):
    widgets = {"main_methods": forms.CheckboxSelectMultiple} \
        if "main_methods" in kind.fields else {}
    return forms.modelform_factory(kind.model, fields=kind.fields, widgets=widgets)


@access(FRAMEWORK_EDITORS)
def framework(request):
    return render(request, "collaboration/framework.html", {
        "kinds": [(kind, kind.model.objects.all()) for kind in KINDS.values()],
    })


def _edit(request, kind: Kind, item):
    form = _form_class(kind)(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        saved = framework_item_save(actor=request.user, form=form)
        messages.success(request, _("“%(item)s” has been saved.") % {"item": saved})
        return redirect("framework")
    return render(request, "collaboration/framework_form.html", {
        "kind": kind, "form": form, "item": item if item.pk else None,
    }, status=400 if form.errors else 200)


@access(FRAMEWORK_EDITORS)
def framework_add(request, kind):
    kind = _kind(kind)
    return _edit(request, kind, kind.model())


@access(FRAMEWORK_EDITORS)
def framework_edit(request, kind, pk):
    kind = _kind(kind)
    return _edit(request, kind, get_object_or_404(request.user, CHANGE,
                                                  kind.model.objects.all(), pk=pk))
