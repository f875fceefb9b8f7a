"""The public site's switch, for prefecture staff."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .lib import audit
from .lib.permissions import Roles, access
from .models import SiteSettings, User
from .public_site import public_site_set


@access(Roles(User.Role.PREFECTURE))
def public_site_settings(request):
    current = SiteSettings.current()
    if request.method == "POST":
        choice = request.POST.get("public_site")
        if choice not in ("on", "off"):
            return render(request, "portal/public_site_settings.html", {
                "settings": current, "history": audit.history_for(request.user, current),
                "error": _("Choose whether the public site is on or off."),
            }, status=400)
        public_site_set(actor=request.user, enabled=choice == "on")
        messages.success(request, _("The public site is on.") if choice == "on"
                         else _("The public site is off."))
        return redirect("public_site_settings")
    return render(request, "portal/public_site_settings.html", {
        "settings": current, "history": audit.history_for(request.user, current, limit=20),
    })
