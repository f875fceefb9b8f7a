"""The login locks in force, for prefecture staff and administrators, and lifting one."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import logins
from .lib.permissions import Roles, access
from .models import User

PREFECTURE_STAFF = Roles(User.Role.PREFECTURE)


class LockoutLiftForm(forms.Form):
    kind = forms.ChoiceField(choices=[(logins.ACCOUNT, gettext_lazy("user name at an address")),
                                      (logins.ADDRESS, gettext_lazy("address"))])
    ip_address = forms.GenericIPAddressField(label=gettext_lazy("address"))
    username = forms.CharField(label=gettext_lazy("user name"), max_length=150, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == logins.ACCOUNT and not cleaned.get("username"):
            raise forms.ValidationError(_("Say which user name to unlock."))
        return cleaned


def _page(request, form=None, status=200):
    return render(request, "accounts/lockouts.html", {
        "lockouts": logins.current_lockouts(),
        "ACCOUNT": logins.ACCOUNT,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "address_limit": settings.LOGIN_ADDRESS_FAILURE_LIMIT,
        "hours": settings.AXES_COOLOFF_TIME,
        "form": form,
    }, status=status)


@never_cache
@access(PREFECTURE_STAFF)
def lockout_list(request):
    return _page(request)


@require_POST
@access(PREFECTURE_STAFF)
def lockout_lift(request):
    form = LockoutLiftForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        logins.lockout_lift(actor=request.user, kind=data["kind"],
                            ip_address=data["ip_address"], username=data["username"])
    except logins.NothingToLift:
        messages.info(request, _("That lock had already ended."))
    else:
        messages.success(request, _("The lock is lifted: logins are possible again."))
    return redirect("lockout_list")
