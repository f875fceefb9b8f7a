import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from collaboration.models import Category, Method
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_prefecture_staff_add_a_method_and_it_shows_in_the_matrix(client, prefecture_user):
    client.force_login(prefecture_user)
    page = client.get(reverse("framework")).content.decode()
    assert "I-①" in page and "防災" in page
    response = client.post(reverse("framework_add", args=["methods"]),
                           {"name": "広域連携協定", "sort_order": "99"})
    assert response.status_code == 302
    method = Method.objects.get(name="広域連携協定")
    assert "広域連携協定" in client.get(reverse("initiative_matrix")).content.decode()
    entry = AuditEntry.objects.get(content_type=ContentType.objects.get_for_model(Method),
                                   object_id=str(method.pk), action="create")
    assert entry.actor == prefecture_user


def test_a_category_gets_its_main_methods_changed(client, prefecture_user):
    category = Category.objects.get(code="I-1")
    method = Method.objects.exclude(pk__in=category.main_methods.all()).first()
    client.force_login(prefecture_user)
    url = reverse("framework_edit", args=["categories", category.pk])
    assert client.get(url).status_code == 200
    chosen = [*category.main_methods.values_list("pk", flat=True), method.pk]
    response = client.post(url, {"code": category.code, "label": category.label,
                                 "axis": category.axis_id, "name": "新しい名称",
                                 "main_methods": chosen, "sort_order": category.sort_order})
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.name == "新しい名称" and method in category.main_methods.all()


def test_a_duplicate_name_is_refused_with_a_message(client, prefecture_user):
    client.force_login(prefecture_user)
    taken = Method.objects.first().name
    response = client.post(reverse("framework_add", args=["methods"]),
                           {"name": taken, "sort_order": "1"})
    assert response.status_code == 400
    assert Method.objects.filter(name=taken).count() == 1


def test_an_unknown_part_of_the_framework_is_not_found(client, prefecture_user):
    client.force_login(prefecture_user)
    assert client.get(reverse("framework_add", args=["colours"])).status_code == 404
    assert client.get(reverse("framework_edit", args=["methods", 999999])).status_code == 404


@pytest.mark.parametrize("role", ["branch", "municipal"])
def test_others_cannot_edit_the_framework(client, users_by_role, role):
    client.force_login(users_by_role[role])
    response = client.post(reverse("framework_add", args=["fields"]),
                           {"name": "宇宙", "sort_order": "1"})
    assert response.status_code == 403
    assert reverse("framework") not in client.get(reverse("initiative_list")).content.decode()
