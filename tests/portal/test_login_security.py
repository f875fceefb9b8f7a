import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from portal.services.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mogami-gawa-kudari-2026"


def fail_login(client, username, times, address="192.0.2.10"):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"},
                    REMOTE_ADDR=address)


def test_a_user_name_is_locked_after_repeated_failures(client, municipal_user, settings):
    fail_login(client, "yamagata", settings.AXES_FAILURE_LIMIT)
    response = client.post(reverse("login"), {"username": "yamagata", "password": DEMO_PASSWORD},
                           REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 429
    page = response.content.decode()
    assert "ログインがロックされています" in page and "管理者" in page
    assert "_auth_user_id" not in client.session


def test_an_address_is_locked_after_failures_across_user_names(client, municipal_user, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        fail_login(client, f"guess{number}", 1, address="203.0.113.5")
    response = client.post(reverse("login"), {"username": "yamagata", "password": DEMO_PASSWORD},
                           REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 429
    elsewhere = client.post(reverse("login"), {"username": "yamagata",
                                               "password": DEMO_PASSWORD},
                            REMOTE_ADDR="198.51.100.7")
    assert elsewhere.status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock(client, municipal_user, settings):
    fail_login(client, "yamagata", settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(reverse("login"), {"username": "yamagata", "password": DEMO_PASSWORD},
                           REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302


def test_an_administrator_lifts_the_lock_in_the_admin(client, municipal_user, portal_admin,
                                                      settings):
    fail_login(client, "yamagata", settings.AXES_FAILURE_LIMIT)
    attempts = AccessAttempt.objects.filter(username="yamagata")
    assert attempts.exists()

    admin_client = type(client)()
    admin_client.force_login(portal_admin)
    changelist = reverse("admin:axes_accessattempt_changelist")
    assert "yamagata" in admin_client.get(changelist).content.decode()
    response = admin_client.post(changelist, {
        "action": "delete_selected", "_selected_action": [a.pk for a in attempts], "post": "yes"})
    assert response.status_code == 302

    response = client.post(reverse("login"), {"username": "yamagata", "password": DEMO_PASSWORD},
                           REMOTE_ADDR="192.0.2.10")
    assert response.status_code == 302


def test_password_reset_by_e_mail(client, municipal_user):
    response = client.post(reverse("password_reset"), {"email": municipal_user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [municipal_user.email]
    assert "パスワード" in message.subject
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    link = re.search(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)", message.body).group(1)

    form = client.get(link, follow=True)
    assert form.status_code == 200
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                                    "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    municipal_user.refresh_from_db()
    assert municipal_user.check_password(NEW_PASSWORD)
    # The link works once.
    assert "もう使えません" in client.get(link, follow=True).content.decode()


def test_password_reset_does_not_reveal_unknown_addresses(client, municipal_user):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.jp"})
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert mail.outbox == []


def test_sessions_expire_after_a_working_day(client, municipal_user, settings):
    client.post(reverse("login"), {"username": "yamagata", "password": DEMO_PASSWORD})
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE == 8 * 60 * 60


@pytest.mark.parametrize("url", ["/login/", "/admin/login/"])
def test_an_overlong_user_name_is_refused_before_authentication(client, url):
    response = client.post(url, {"username": "9" * 5000, "password": "x"})
    assert response.status_code == 200
    assert "150 文字以下" in response.content.decode()
    assert not AccessAttempt.objects.exists()
