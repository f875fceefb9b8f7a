"""Invitation links: the invited person sets their own first password; nobody else types it."""

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import constant_time_compare
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Like a password-reset token, but with its own salt and a validity of days, not hours.
    It stops working once a password is set, the e-mail address changes or the account logs in."""

    key_salt = "portal.invitations.InvitationTokenGenerator"

    @property
    def timeout(self) -> int:
        return settings.ACCOUNT_INVITATION_DAYS * 24 * 60 * 60

    def check_token(self, user, token) -> bool:
        # Django's check reads PASSWORD_RESET_TIMEOUT (hours); an invitation lasts days.
        if not (user and token):
            return False
        try:
            timestamp = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if self._num_seconds(self._now()) - timestamp > self.timeout:
            return False
        return any(constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret),
                                         token)
                   for secret in [self.secret, *self.secret_fallbacks])


invitation_tokens = InvitationTokenGenerator()


def invitation_url(user) -> str:
    path = reverse("invitation_accept", args=[urlsafe_base64_encode(force_bytes(user.pk)),
                                              invitation_tokens.make_token(user)])
    return settings.PORTAL_BASE_URL.rstrip("/") + path


def send_invitation_email(user) -> None:
    context = {"user": user, "url": invitation_url(user), "days": settings.ACCOUNT_INVITATION_DAYS,
               "login_url": settings.PORTAL_BASE_URL.rstrip("/") + reverse("login")}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        text = render_to_string("accounts/email/invitation.txt", context)
        html = render_to_string("accounts/email/invitation.html", context)
    message = EmailMultiAlternatives(subject, text, to=[user.email])
    message.attach_alternative(html, "text/html")
    message.send()
