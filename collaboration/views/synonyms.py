"""The synonym dictionary as prefecture staff keep it: list, add, change and remove groups."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib.permissions import CHANGE, access, get_object_or_404

from ..forms import SynonymGroupForm
from ..models import SynonymGroup
from ..services.synonyms import synonym_group_delete, synonym_group_save
from .framework import FRAMEWORK_EDITORS


@access(FRAMEWORK_EDITORS)
def synonym_list(request):
    return render(request, "collaboration/synonyms.html", {
        "groups": SynonymGroup.objects.all(), "form": SynonymGroupForm(group=None),
    })


def _edit(request, group: SynonymGroup):
    form = SynonymGroupForm(request.POST or None, group=group)
    if request.method == "POST" and form.is_valid():
        saved = synonym_group_save(actor=request.user, group=group,
                                   words=form.cleaned_data["words"])
        messages.success(request, _("The synonyms “%(group)s” have been saved.")
                         % {"group": saved})
        return redirect("synonym_list")
    return render(request, "collaboration/synonym_form.html", {
        "form": form, "group": group if group.pk else None,
    }, status=400 if form.errors else 200)


@access(FRAMEWORK_EDITORS)
def synonym_add(request):
    return _edit(request, SynonymGroup())


@access(FRAMEWORK_EDITORS)
def synonym_edit(request, pk):
    return _edit(request, get_object_or_404(request.user, CHANGE, SynonymGroup.objects.all(),
                                            pk=pk))


@require_POST
@access(FRAMEWORK_EDITORS)
def synonym_delete(request, pk):
    group = get_object_or_404(request.user, CHANGE, SynonymGroup.objects.all(), pk=pk)
    synonym_group_delete(actor=request.user, group=group)
    messages.success(request, _("The synonyms “%(group)s” have been removed.") % {"group": group})
    return redirect("synonym_list")
