import datetime
import re

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

from devtools.demo.portal import DEMO_PASSWORD
from portal import logins
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Mogami-gawa-kudari-2026"
TOKYO = datetime.timezone(datetime.timedelta(hours=9))


def fail_login(client, username, times, address="192.0.2.10"):
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"},
                    REMOTE_ADDR=address)


def log_in(client, username, password=DEMO_PASSWORD, address="192.0.2.10"):
    return client.post(reverse("login"), {"username": username, "password": password},
                       REMOTE_ADDR=address)


def test_a_user_name_is_locked_at_the_address_the_failures_came_from(client, municipal_user,
                                                                     settings):
    fail_login(client, "yamagata", settings.AXES_FAILURE_LIMIT)
    response = log_in(client, "yamagata")
    assert response.status_code == 429
    page = response.content.decode()
    assert "ログインがロックされています" in page and "管理者" in page
    assert "_auth_user_id" not in client.session
    # The same person from another address is not locked.
    assert log_in(client, "yamagata", address="198.51.100.7").status_code == 302


def test_a_shared_address_with_one_attacker_and_ten_honest_users(client, prefecture_user):
    gateway = "203.0.113.5"  # one LGWAN exit for a whole municipality
    honest = [UserFactory(username=f"staff{number}") for number in range(10)]
    for name in ["admin", "root", "guest", "pref"]:  # the attacker, several names
        fail_login(client, name, 12, address=gateway)
    for user in honest:
        assert log_in(client, user.username, "typo-password", gateway).status_code == 200
    for user in honest:
        client.logout()
        response = log_in(client, user.username, address=gateway)
        assert response.status_code == 302, user.username
        assert client.session["_auth_user_id"] == str(user.pk)
    # What the attacker tried stays locked there, and nowhere else.
    client.logout()
    assert log_in(client, "pref", address=gateway).status_code == 429
    assert log_in(client, "pref", address="198.51.100.7").status_code == 302


def test_a_known_user_name_attacked_from_many_addresses(client, municipal_user, settings):
    attackers = [f"198.18.0.{number}" for number in range(1, 21)]
    for address in attackers:
        fail_login(client, "yamagata", settings.AXES_FAILURE_LIMIT, address=address)
    # Each attacking address is locked for that name, even with the right password …
    assert log_in(client, "yamagata", address=attackers[0]).status_code == 429
    # … while the real user, from their own address, logs in.
    response = log_in(client, "yamagata", address="192.0.2.10")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(municipal_user.pk)


def test_an_address_is_throttled_at_the_stated_limit(client, municipal_user, settings):
    assert settings.LOGIN_ADDRESS_FAILURE_LIMIT == 200  # the number the README gives
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=TOKYO)
    with time_machine.travel(start, tick=False):
        # Nine failures for each of many names: no name is locked, only the address counts.
        for number in range(settings.LOGIN_ADDRESS_FAILURE_LIMIT - 1):
            fail_login(client, f"guess{number // 9}", 1, address="203.0.113.5")
        assert log_in(client, "yamagata", address="203.0.113.5").status_code == 302
        client.logout()
        fail_login(client, "guess-last", 1, address="203.0.113.5")
        response = log_in(client, "yamagata", address="203.0.113.5")
        assert response.status_code == 429
        assert "同じ接続" in response.content.decode()
        assert log_in(client, "yamagata", address="198.51.100.7").status_code == 302
        client.logout()
    # The failures age out after the cool-off, and with them the throttle.
    with time_machine.travel(start + datetime.timedelta(hours=1, minutes=1), tick=False):
        assert log_in(client, "yamagata", address="203.0.113.5").status_code == 302


def test_a_login_that_succeeds_clears_its_failures_from_the_address_count(client,
                                                                         municipal_user):
    fail_login(client, "yamagata", 5, address="203.0.113.5")
    assert logins.address_failures("203.0.113.5") == 5
    assert log_in(client, "yamagata", address="203.0.113.5").status_code == 302
    assert logins.address_failures("203.0.113.5") == 0


def test_a_locked_person_recovers_through_the_password_reset_e_mail(client, municipal_user,
                                                                   settings):
    fail_login(client, "yamagata", settings.AXES_FAILURE_LIMIT)
    locked = log_in(client, "yamagata")
    assert locked.status_code == 429
    assert reverse("password_reset") in locked.content.decode()

    client.post(reverse("password_reset"), {"email": municipal_user.email})
    link = re.search(r"http://testserver(/password/reset/[^/\s]+/[^/\s]+/)",
                     mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD,
                                             "new_password2": NEW_PASSWORD})
    response = log_in(client, "yamagata", NEW_PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(municipal_user.pk)


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
