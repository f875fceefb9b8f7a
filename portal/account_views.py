"""The account pages: list, invite, change, deactivate, hand over, import; and the page where
an invited person sets their password."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import grants
from .account_forms import AccountForm, AccountImportForm, HandOverForm, InviteForm
from .invitations import invitation_tokens
from .lib import audit, permissions
from .lib.permissions import CHANGE, PUBLIC, VIEW, Roles, access
from .models import Organisation, User
from .services import accounts
from .services.account_import import AccountImportError, import_accounts, template_workbook

ACCOUNT_MANAGERS = Roles(User.Role.PREFECTURE, User.Role.BRANCH)


def _refused(form, refusal: accounts.AccountRefused) -> None:
    form.add_error(refusal.field if refusal.field in form.fields else None, refusal.message)


def _account(request, pk):
    return permissions.get_object_or_404(request.user, CHANGE, User.objects.all(), pk=pk)


def _group_key(account):
    organisation = account.organisation
    if organisation is None:
        return (-1, 0, "", "")
    return (list(Organisation.Kind.values).index(organisation.kind),
            organisation.region.sort_order if organisation.region_id else 0,
            organisation.municipality.lg_code if organisation.municipality_id else "",
            organisation.name)


@access(ACCOUNT_MANAGERS)
def account_list(request):
    everyone = User.objects.all()
    shown = permissions.scope(request.user, VIEW, everyone) | \
        permissions.scope(request.user, CHANGE, everyone)
    manageable = set(permissions.scope(request.user, CHANGE, everyone).values_list(
        "pk", flat=True))
    groups: dict = {}
    for account in sorted(shown.distinct(), key=lambda a: (_group_key(a), a.role,
                                                           a.last_name, a.first_name,
                                                           a.username)):
        groups.setdefault(account.organisation, []).append(
            (account, account.pk in manageable))
    return render(request, "accounts/account_list.html", {
        "groups": list(groups.items()),
        "may_invite": permissions.can_create(request.user, User),
    })


@access(ACCOUNT_MANAGERS)
def account_invite(request):
    form = InviteForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.account_invite(
                actor=request.user, name=data["name"], email=data["email"], role=data["role"],
                organisation=data["organisation"], superuser=data.get("is_superuser", False))
        except accounts.AccountRefused as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("%(name)s has been invited; the e-mail to %(email)s "
                                        "has a link to set a password.")
                             % {"name": account.display_name, "email": account.email})
            return redirect("account_list")
    return render(request, "accounts/account_invite.html", {
        "form": form, "INVITATION_DAYS": settings.ACCOUNT_INVITATION_DAYS,
    }, status=400 if form.errors else 200)


@access(ACCOUNT_MANAGERS)
def account_edit(request, pk):
    account = _account(request, pk)
    form = AccountForm(request.POST or None, actor=request.user, account=account)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.account_update(
                actor=request.user, account=account, name=data["name"], email=data["email"],
                role=data["role"], organisation=data["organisation"],
                superuser=data.get("is_superuser"))
        except accounts.AccountRefused as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _("The account has been saved."))
            return redirect("account_edit", pk=account.pk)
    return render(request, "accounts/account_edit.html", {
        "account": account, "form": form,
        "is_self": account.pk == request.user.pk,
        "history": render_to_string("portal/_history.html", {
            "history": audit.history_for(request.user, account, limit=30)}, request),
    }, status=400 if form.errors else 200)


def _act(request, pk, service, done: str):
    account = _account(request, pk)
    try:
        service(actor=request.user, account=account)
    except accounts.AccountRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, done % {"name": account.display_name})
    return redirect("account_edit", pk=account.pk)


@require_POST
@access(ACCOUNT_MANAGERS)
def account_deactivate(request, pk):
    return _act(request, pk, accounts.account_deactivate,
                _("%(name)s can no longer log in and has been logged out."))


@require_POST
@access(ACCOUNT_MANAGERS)
def account_reactivate(request, pk):
    return _act(request, pk, accounts.account_reactivate, _("%(name)s can log in again."))


@require_POST
@access(ACCOUNT_MANAGERS)
def account_resend(request, pk):
    return _act(request, pk, accounts.invitation_resend,
                _("The invitation has been sent to %(name)s again."))


@access(ACCOUNT_MANAGERS)
def account_hand_over(request, pk):
    predecessor = _account(request, pk)
    form = HandOverForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            successor = accounts.account_hand_over(
                actor=request.user, predecessor=predecessor, name=data["name"],
                email=data["email"], on=data["on"])
        except accounts.AccountRefused as refusal:
            _refused(form, refusal)
        else:
            messages.success(request, _(
                "%(successor)s has been invited; %(predecessor)s is deactivated from "
                "%(date)s.") % {"successor": successor.display_name,
                                "predecessor": predecessor.display_name,
                                "date": data["on"].strftime("%Y-%m-%d")})
            return redirect("account_list")
    return render(request, "accounts/account_hand_over.html", {
        "account": predecessor, "form": form}, status=400 if form.errors else 200)


@access(ACCOUNT_MANAGERS)
def account_import(request):
    form = AccountImportForm(request.POST or None, request.FILES or None)
    problems, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                invited = import_accounts(actor=request.user, content=upload.read(),
                                          filename=upload.name)
            except AccountImportError as error:
                problems = error.problems
            else:
                messages.success(request, _("%(count)s people have been invited.")
                                 % {"count": len(invited)})
                return redirect("account_list")
    return render(request, "accounts/account_import.html", {
        "form": form, "problems": problems,
        "roles": [User.Role(role).label for role in grants.grantable_roles(request.user)],
    }, status=status)


@access(ACCOUNT_MANAGERS)
def account_import_template(request):
    response = HttpResponse(
        template_workbook(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = "attachment; filename*=UTF-8''accounts-template.xlsx"
    return response


class InvitationAcceptView(auth_views.PasswordResetConfirmView):
    """The invited person chooses a password; the link then stops working."""

    template_name = "accounts/invitation_accept.html"
    token_generator = invitation_tokens
    reset_url_token = "set-password"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Your password is set. Log in with the login name "
                                         "%(username)s.") % {"username": form.user.username})
        return response


invitation_accept = access(PUBLIC)(InvitationAcceptView.as_view())
