"""A contact person is the staff's to know: an anonymous visitor neither finds an initiative by
the contact's name nor reads a name or an e-mail address on any public route, and a public
page is served without a cookie or a session read."""

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from collaboration import similarity
from collaboration.models import Initiative
from portal.models import Organisation, SiteSettings
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db

NAME, MAIL = "山田太郎", "yamada.taro@example.jp"
OTHER_NAME, OTHER_MAIL = "佐藤花子", "sato.hanako@example.jp"


@pytest.fixture
def site_on(db):
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})


@pytest.fixture
def cases(db):
    lead = Organisation.objects.get(municipality__lg_code="062014")
    case = make_initiative("除雪車の共同運行", summary="冬期の除雪を近隣の町と共同で行う。",
                           contact=f"企画課 {NAME} {MAIL}", lead_organisation=lead,
                           fields=("防災",))
    similar = make_initiative("除雪の共同化", summary="除雪を近隣の町と共同で発注する。",
                              contact=f"防災課 {OTHER_NAME} {OTHER_MAIL}", fields=("防災",),
                              codes=("063657",))
    similarity.index_initiatives([case.pk, similar.pk])
    return {"case": case, "similar": similar}


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8-sig")
    return response.content.decode()


SEARCHES = {
    "catalogue": lambda q: reverse("initiative_list") + f"?q={q}",
    "api": lambda q: reverse("api_initiatives") + f"?q={q}",
}


@pytest.mark.parametrize("route", SEARCHES)
@pytest.mark.parametrize("typed", [NAME, "山田", "yamada.taro", "企画課 山田"])
def test_an_anonymous_visitor_does_not_find_an_initiative_by_its_contact(
        client, cases, site_on, route, typed):
    body = _body(client.get(SEARCHES[route](typed)))
    assert "除雪車の共同運行" not in body
    found = _body(client.get(SEARCHES[route]("除雪車")))
    assert "除雪車の共同運行" in found  # the same search by its title does find it


def test_signed_in_staff_still_find_an_initiative_by_its_contact(client, cases, site_on,
                                                                 prefecture_user,
                                                                 municipal_user):
    for user in (prefecture_user, municipal_user):
        client.force_login(user)
        assert "除雪車の共同運行" in _body(client.get(SEARCHES["catalogue"](NAME)))


ROUTES = {
    "catalogue": lambda c: reverse("initiative_list"),
    "catalogue search": lambda c: reverse("initiative_list") + "?q=除雪",
    "initiative page with similar cases": lambda c: c["case"].get_absolute_url(),
    "similar case's page": lambda c: c["similar"].get_absolute_url(),
    "open data page": lambda c: reverse("opendata"),
    "open data CSV": lambda c: reverse("opendata_initiatives_csv"),
    "open data participants": lambda c: reverse("opendata_participants_csv"),
    "open data JSON": lambda c: reverse("opendata_json"),
    "Atom feed": lambda c: reverse("opendata_feed"),
    "API list": lambda c: reverse("api_initiatives"),
    "API search": lambda c: reverse("api_initiatives") + "?q=除雪",
    "API initiative": lambda c: reverse("api_initiative", args=[c["case"].pk]),
}


@pytest.mark.parametrize("route", ROUTES)
def test_no_public_route_names_a_contact_person_or_an_address(client, cases, site_on, route):
    response = client.get(ROUTES[route](cases))
    assert response.status_code == 200
    body = _body(response)
    assert "除雪" in body or route == "open data page"
    for secret in (NAME, MAIL, OTHER_NAME, OTHER_MAIL, "@example.jp"):
        assert secret not in body, secret


def test_the_initiative_page_suggests_the_similar_case_by_its_organisation_only(
        client, cases, site_on):
    page = _body(client.get(cases["case"].get_absolute_url()))
    assert "除雪の共同化" in page and OTHER_NAME not in page


@pytest.mark.parametrize("route", ["catalogue", "initiative page with similar cases",
                                   "API list", "API initiative"])
def test_a_public_page_sets_no_cookie_and_reads_no_session(client, cases, site_on, settings,
                                                           route):
    settings.PAGE_CACHE = True
    url = ROUTES[route](cases)
    for _time in ("built", "kept"):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        assert not response.cookies and "Set-Cookie" not in response
        assert not [q for q in queries.captured_queries if "django_session" in q["sql"]]
    assert not queries.captured_queries  # kept: served without a query


def test_a_kept_api_answer_keeps_its_last_modified_and_etag(client, cases, site_on, settings):
    settings.PAGE_CACHE = True
    first = client.get(reverse("api_initiatives"))
    kept = client.get(reverse("api_initiatives"))
    assert kept["Last-Modified"] == first["Last-Modified"] and kept["ETag"] == first["ETag"]
    assert client.get(reverse("api_initiatives"),
                      HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_the_migration_moves_a_contact_out_of_what_anyone_finds(cases):
    from importlib import import_module

    move = import_module("collaboration.migrations.0007_contact_found_by_staff_only")
    case = cases["case"]
    old_text = case.search_text.replace("\n", " ")  # as indexed before: the contact inline
    Initiative.objects.filter(pk=case.pk).update(search_text=old_text)
    move.move_contacts(apps, None)
    moved = Initiative.objects.get(pk=case.pk).search_text
    assert moved.split("\n")[1] == "企画課 山田太郎 yamada.taro@example.jp"
    assert "山田" not in moved.split("\n")[0] and "除雪車" in moved.split("\n")[0]
    move.move_contacts(apps, None)  # again: nothing changes
    assert Initiative.objects.get(pk=case.pk).search_text == moved
