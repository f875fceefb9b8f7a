from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import render

from . import logins
from .demo_logins import DEMO_PASSWORD, demo_logins
from .forms import LoginForm
from .lib.permissions import LOGGED_IN, PUBLIC, access


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if settings.DEMO_MODE:
            context["demo_logins"] = demo_logins()
            context["demo_password"] = DEMO_PASSWORD
        return context


login = access(PUBLIC)(LoginView.as_view())
logout = access(PUBLIC)(auth_views.LogoutView.as_view())
password_change = access(LOGGED_IN)(auth_views.PasswordChangeView.as_view())
password_change_done = access(LOGGED_IN)(auth_views.PasswordChangeDoneView.as_view())


class PasswordResetView(auth_views.PasswordResetView):
    """Always says the mail was sent, so the form does not reveal which addresses exist."""

    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"


password_reset = access(PUBLIC)(PasswordResetView.as_view())
password_reset_done = access(PUBLIC)(auth_views.PasswordResetDoneView.as_view())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """A new password set through the e-mailed link lifts every lock on that user name: the
    person has shown they hold the account's mailbox."""

    def form_valid(self, form):
        response = super().form_valid(form)
        logins.lift_for_user_name(form.user.get_username())
        return response


password_reset_confirm = access(PUBLIC)(PasswordResetConfirmView.as_view())
password_reset_complete = access(PUBLIC)(auth_views.PasswordResetCompleteView.as_view())


def locked_out(request, response=None, credentials=None):
    """django-axes's lockout response (AXES_LOCKOUT_CALLABLE): which lock, until when, and how
    to get in sooner."""
    return render(request, "registration/locked_out.html", {
        "lockout": logins.request_lockout(request, credentials),
        "ADDRESS": logins.ADDRESS,
    }, status=settings.AXES_HTTP_RESPONSE_CODE)
