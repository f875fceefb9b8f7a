import pytest
from django.urls import reverse

from portal.models import Municipality, Region, User

pytestmark = pytest.mark.django_db


def municipality_form(**overrides):
    data = {"lg_code": "063657", "name": "大蔵村", "kana": "おおくらむら", "kind": "village",
            "region": Region.objects.get(code="mogami").pk, "subarea": "",
            "tile_col": "4", "tile_row": "3", "latitude": "38.7", "longitude": "140.23"}
    return {**data, **overrides}


def test_a_wrong_code_in_the_admin_form_gets_a_clear_error(client, portal_admin):
    client.force_login(portal_admin)
    okura = Municipality.objects.get(lg_code="063657")
    url = reverse("admin:portal_municipality_change", args=[okura.pk])
    response = client.post(url, municipality_form(lg_code="063658"))
    assert response.status_code == 200
    assert "団体コード 063658 の検査数字が正しくありません。6桁目は 7 になるはずです。" in \
        response.content.decode()
    okura.refresh_from_db()
    assert okura.lg_code == "063657"


def test_system_administrators_fix_a_municipality_in_the_admin(client, portal_admin):
    client.force_login(portal_admin)
    okura = Municipality.objects.get(lg_code="063657")
    url = reverse("admin:portal_municipality_change", args=[okura.pk])
    response = client.post(url, municipality_form(kana="おおくらむら（確認済）"))
    assert response.status_code == 302
    okura.refresh_from_db()
    assert okura.kana == "おおくらむら（確認済）"


@pytest.mark.parametrize("role", ["prefecture", "municipal", "branch"])
def test_the_admin_is_closed_to_everyone_but_system_administrators(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.get(reverse("admin:portal_municipality_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response.url


def test_a_user_needs_the_organisation_that_matches_the_role(client, portal_admin):
    client.force_login(portal_admin)
    response = client.post(reverse("admin:portal_user_add"), {
        "username": "newbranch", "password1": "Zao-onsen-juhyo-2026",
        "password2": "Zao-onsen-juhyo-2026", "usable_password": "true",
        "role": "branch", "organisation": "",
    })
    assert response.status_code == 200
    assert "総合支庁に所属している必要があります" in response.content.decode()


def test_prefecture_staff_cannot_make_a_superuser_in_the_admin(client, prefecture_user):
    assert prefecture_user.is_staff  # staff status alone no longer opens the admin
    client.force_login(prefecture_user)
    response = client.post(reverse("admin:portal_user_add"), {
        "username": "intruder", "password1": "Zao-onsen-juhyo-2026",
        "password2": "Zao-onsen-juhyo-2026", "usable_password": "true",
        "role": "admin", "organisation": "", "is_superuser": "on",
    })
    assert response.status_code == 302 and "/admin/login/" in response.url
    assert not User.objects.filter(username="intruder").exists()


def test_the_menu_links_the_admin_for_system_administrators_only(client, prefecture_user,
                                                                 portal_admin):
    client.force_login(prefecture_user)
    assert reverse("admin:index") not in client.get(reverse("home")).content.decode()
    client.force_login(portal_admin)
    assert reverse("admin:index") in client.get(reverse("home")).content.decode()
