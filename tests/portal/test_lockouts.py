"""/accounts/lockouts/: prefecture staff and administrators see the locks in force and lift one."""

import datetime

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from devtools.demo.portal import DEMO_PASSWORD
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

TOKYO = datetime.timezone(datetime.timedelta(hours=9))
LOCKED_AT = datetime.datetime(2026, 12, 1, 9, 5, tzinfo=TOKYO)


def fail_login(username, times, address):
    client = Client()
    for _ in range(times):
        client.post(reverse("login"), {"username": username, "password": "wrong-password"},
                    REMOTE_ADDR=address)


def log_in(username, address):
    return Client().post(reverse("login"), {"username": username, "password": DEMO_PASSWORD},
                         REMOTE_ADDR=address)


@pytest.fixture(autouse=True)
def morning():
    with time_machine.travel(LOCKED_AT, tick=True):
        yield


@pytest.fixture
def locked_yamagata(municipal_user, settings):
    fail_login("yamagata", settings.AXES_FAILURE_LIMIT, "192.0.2.10")
    assert log_in("yamagata", "192.0.2.10").status_code == 429
    return municipal_user


@pytest.mark.parametrize("role", ["prefecture", "admin"])
def test_the_page_lists_the_locks_with_failures_and_times_in_japan_time(client, users_by_role,
                                                                         locked_yamagata, role):
    fail_login("okura", 3, "192.0.2.99")  # below the limit: not a lock
    client.force_login(users_by_role[role])
    with time_machine.travel(LOCKED_AT + datetime.timedelta(minutes=10), tick=False):
        response = client.get(reverse("lockout_list"))
    assert response.status_code == 200
    page = response.content.decode()
    row = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "yamagata" in row and "192.0.2.10" in row and ">10<" in row
    assert "09:05" in row and "10:05" in row  # since and until, Asia/Tokyo
    assert "令和8" in row
    assert "okura" not in page


@pytest.mark.parametrize("role", ["branch", "municipal", "other_municipal"])
def test_outsiders_neither_see_nor_lift_locks(client, users_by_role, locked_yamagata, role):
    client.force_login(users_by_role[role])
    assert client.get(reverse("lockout_list")).status_code == 403
    response = client.post(reverse("lockout_lift"), {
        "kind": "account", "username": "yamagata", "ip_address": "192.0.2.10"})
    assert response.status_code == 403
    assert log_in("yamagata", "192.0.2.10").status_code == 429


def test_lifting_a_lock_lets_the_person_in_and_is_audited(client, prefecture_user,
                                                         locked_yamagata):
    client.force_login(prefecture_user)
    response = client.post(reverse("lockout_lift"), {
        "kind": "account", "username": "yamagata", "ip_address": "192.0.2.10"},
        REMOTE_ADDR="198.51.100.20", follow=True)
    assert response.redirect_chain[-1][0] == reverse("lockout_list")
    assert "ロックを解除しました" in response.content.decode()
    assert "ロックされているログインはありません" in response.content.decode()
    assert log_in("yamagata", "192.0.2.10").status_code == 302
    entry = AuditEntry.objects.get(note="login lock lifted")
    assert entry.actor == prefecture_user and entry.ip_address == "198.51.100.20"
    assert entry.object_repr == "yamagata @ 192.0.2.10"
    assert entry.changes["failures_since_start"] == [10, None]


def test_lifting_one_lock_leaves_the_others(client, prefecture_user, locked_yamagata,
                                            other_municipal_user, settings):
    fail_login("okura", settings.AXES_FAILURE_LIMIT, "192.0.2.10")
    client.force_login(prefecture_user)
    client.post(reverse("lockout_lift"), {
        "kind": "account", "username": "yamagata", "ip_address": "192.0.2.10"})
    assert log_in("okura", "192.0.2.10").status_code == 429


def test_a_throttled_address_is_listed_and_lifted(client, prefecture_user, municipal_user,
                                                  settings):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 30
    for number in range(30):
        fail_login(f"guess{number}", 1, "203.0.113.5")
    assert log_in("yamagata", "203.0.113.5").status_code == 429
    client.force_login(prefecture_user)
    page = client.get(reverse("lockout_list")).content.decode()
    assert "接続元全体" in page and "203.0.113.5" in page and ">30<" in page
    client.post(reverse("lockout_lift"), {"kind": "address", "ip_address": "203.0.113.5"})
    assert log_in("yamagata", "203.0.113.5").status_code == 302
    assert not AccessAttempt.objects.filter(ip_address="203.0.113.5").exists()
    assert AuditEntry.objects.get(note="address throttle lifted").object_repr == "203.0.113.5"


def test_lifting_a_lock_that_has_ended_says_so(client, prefecture_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("lockout_lift"), {
        "kind": "account", "username": "yamagata", "ip_address": "192.0.2.10"}, follow=True)
    assert response.status_code == 200
    assert "すでに解除されている" in response.content.decode()


@pytest.mark.parametrize("data", [
    {},
    {"kind": "account", "ip_address": "192.0.2.10"},
    {"kind": "account", "username": "yamagata", "ip_address": "not-an-address"},
    {"kind": "everything", "ip_address": "192.0.2.10"},
])
def test_a_bad_lift_form_is_a_400_with_the_reason(client, prefecture_user, locked_yamagata,
                                                  data):
    client.force_login(prefecture_user)
    response = client.post(reverse("lockout_lift"), data)
    assert response.status_code == 400
    assert "ロックを解除できませんでした" in response.content.decode()
    assert log_in("yamagata", "192.0.2.10").status_code == 429


def test_the_home_page_links_to_it_for_prefecture_staff_only(client, prefecture_user,
                                                             municipal_user):
    client.force_login(prefecture_user)
    assert reverse("lockout_list") in client.get(reverse("home")).content.decode()
    client.force_login(municipal_user)
    assert reverse("lockout_list") not in client.get(reverse("home")).content.decode()
