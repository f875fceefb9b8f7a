"""The public site: off by default, turned on by prefecture staff; what anonymous visitors read
and what they never read, on every public route (HTML, CSV, JSON, Atom, API)."""

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from collaboration.services.initiatives import initiative_publish
from portal.models import AuditEntry, Organisation, SiteSettings
from portal.public_site import is_on, public_site_set
from portal.services.attachments import attachment_create
from tests.collaboration.conftest import make_initiative

pytestmark = pytest.mark.django_db

CONTACT = "企画課 山田太郎 yamada.taro@example.jp"
SECRET = "非公開の検討案"


@pytest.fixture
def site_on(db):
    SiteSettings.objects.update_or_create(pk=1, defaults={"public_site": True})


@pytest.fixture
def cases(settings, tmp_path, prefecture_user):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    lead = Organisation.objects.get(municipality__lg_code="062014")
    published = make_initiative("公開の共同発注", contact=CONTACT, lead_organisation=lead,
                                is_model=True)
    hidden = make_initiative(SECRET, codes=("063657",), published=False, spread_from=published)
    spread = make_initiative("公開の横展開", codes=("062031",), spread_from=hidden)
    public_file = attachment_create(actor=prefecture_user, owner=published, title="公開資料",
                                    upload=SimpleUploadedFile("a.pdf", b"%PDF-1.7\n%%EOF\n"),
                                    is_public=True)
    internal_file = attachment_create(actor=prefecture_user, owner=published, title="内部資料",
                                      upload=SimpleUploadedFile("b.pdf", b"%PDF-1.7\n%%EOF\n"))
    return {"published": published, "hidden": hidden, "spread": spread,
            "public_file": public_file, "internal_file": internal_file}


def test_the_public_site_is_off_by_default_and_anonymous_visitors_get_the_login_page(
        client, cases):
    assert not is_on()
    for url in [reverse("home"), reverse("initiative_list"), reverse("opendata"),
                reverse("opendata_initiatives_csv"), reverse("api_initiatives"),
                cases["published"].get_absolute_url()]:
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login")), url


def test_anonymous_visitors_read_published_initiatives_when_it_is_on(client, cases, site_on):
    home = client.get(reverse("home"))
    assert home.status_code == 200
    assert "県・市町村連携推進方針" in home.content.decode()
    catalogue = client.get(reverse("initiative_list")).content.decode()
    assert "公開の共同発注" in catalogue and SECRET not in catalogue
    assert reverse("initiative_create") not in catalogue
    page = client.get(cases["published"].get_absolute_url())
    assert page.status_code == 200
    assert client.get(cases["hidden"].get_absolute_url()).status_code == 404
    assert client.get(reverse("initiative_spread", args=[cases["published"].pk])).status_code \
        == 200


def test_anonymous_pages_show_organisations_never_contact_persons_history_or_internal_files(
        client, cases, site_on):
    page = client.get(cases["published"].get_absolute_url()).content.decode()
    assert "山田太郎" not in page and "yamada.taro@example.jp" not in page
    assert "山形市" in page  # the lead organisation
    assert "変更履歴" not in page
    assert "公開資料" in page and "内部資料" not in page
    assert client.get(reverse("file_download", args=[cases["public_file"].pk])).status_code \
        == 200
    assert client.get(reverse("file_download", args=[cases["internal_file"].pk])).status_code \
        == 404
    # Links stay on the public site: a municipality opens the catalogue, not its own page.
    assert reverse("municipality_detail", args=["062014"]) not in page


def test_signed_in_staff_see_the_contact_and_every_file_as_before(client, cases, site_on,
                                                                  prefecture_user):
    client.force_login(prefecture_user)
    page = client.get(cases["published"].get_absolute_url()).content.decode()
    assert CONTACT in page and "内部資料" in page and "変更履歴" in page


def test_an_anonymous_visitor_never_gets_a_page_cached_for_staff_and_colleagues_share_theirs(
        client, cases, site_on, other_municipal_user):
    from tests.factories import UserFactory

    # 大蔵村's staff see its unpublished initiative, and their page is cached first.
    client.force_login(other_municipal_user)
    assert SECRET in client.get(reverse("initiative_list")).content.decode()
    client.force_login(UserFactory(organisation=other_municipal_user.organisation))
    assert SECRET in client.get(reverse("initiative_list")).content.decode()
    client.logout()
    first = client.get(reverse("initiative_list")).content.decode()
    assert SECRET not in first and "公開の共同発注" in first
    other = client.__class__()
    assert SECRET not in other.get(reverse("initiative_list")).content.decode()


def test_a_page_kept_for_anonymous_visitors_is_never_served_to_signed_in_colleagues(
        client, cases, site_on, other_municipal_user, settings):
    from tests.factories import UserFactory

    assert SECRET not in client.get(reverse("initiative_list")).content.decode()  # kept first
    colleague = UserFactory(organisation=other_municipal_user.organisation)
    for user in (other_municipal_user, colleague):
        client.force_login(user)
        cached = client.get(reverse("initiative_list")).content.decode()
        settings.PAGE_CACHE = False
        fresh = client.get(reverse("initiative_list")).content.decode()
        settings.PAGE_CACHE = True
        assert SECRET in cached and SECRET in fresh


def test_the_anonymous_page_is_kept_until_an_initiative_changes(client, cases, site_on,
                                                                prefecture_user,
                                                                django_assert_max_num_queries):
    client.get(reverse("initiative_list"))
    with django_assert_max_num_queries(2):  # the switch, and nothing else: the page is kept
        assert client.get(reverse("initiative_list")).status_code == 200
    initiative_publish(actor=prefecture_user, initiative=cases["hidden"])
    assert SECRET in client.get(reverse("initiative_list")).content.decode()


def test_turning_the_site_off_sends_visitors_to_the_login_page_at_once(client, cases, site_on,
                                                                       prefecture_user):
    assert client.get(reverse("initiative_list")).status_code == 200
    public_site_set(actor=prefecture_user, enabled=False)
    assert client.get(reverse("initiative_list")).status_code == 302


def test_only_prefecture_staff_switch_the_site_and_the_switch_is_audited(
        client, prefecture_user, branch_user, municipal_user):
    url = reverse("public_site_settings")
    assert client.get(url).status_code == 302
    for outsider in (branch_user, municipal_user):
        client.force_login(outsider)
        assert client.get(url).status_code == 403
        assert client.post(url, {"public_site": "on"}).status_code == 403
    assert not is_on()
    client.force_login(prefecture_user)
    assert "公開サイト" in client.get(url).content.decode()
    assert client.post(url, {"public_site": "maybe"}).status_code == 400
    assert client.post(url, {"public_site": "on"}).status_code == 302
    assert is_on()
    entry = AuditEntry.objects.filter(content_type__model="sitesettings").latest("at")
    assert entry.actor == prefecture_user and "public_site" in entry.changes


def _all_public_bodies(client, cases) -> dict[str, str]:
    urls = {
        "home": reverse("home"), "catalogue": reverse("initiative_list"),
        "search": reverse("initiative_list") + "?q=非公開",
        "unpublished filter": reverse("initiative_list") + "?published=no",
        "matrix": reverse("initiative_matrix"),
        "spread": reverse("initiative_spread", args=[cases["published"].pk]),
        "child": cases["spread"].get_absolute_url(),
        "opendata": reverse("opendata"),
        "csv": reverse("opendata_initiatives_csv"),
        "participants": reverse("opendata_participants_csv"),
        "classifications": reverse("opendata_classifications_csv"),
        "json": reverse("opendata_json"), "atom": reverse("opendata_feed"),
        "api": reverse("api_initiatives"),
        "api search": reverse("api_initiatives") + "?q=非公開",
        "api spread": reverse("api_initiative", args=[cases["spread"].pk]),
    }
    bodies = {}
    for name, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, name
        bodies[name] = b"".join(response.streaming_content).decode("utf-8-sig") \
            if response.streaming else response.content.decode()
    return bodies


def test_no_unpublished_row_is_reachable_by_any_public_route(client, cases, site_on):
    hidden = cases["hidden"]
    for name, body in _all_public_bodies(client, cases).items():
        assert SECRET not in body, name
        assert "山田太郎" not in body and "yamada.taro" not in body, name
    assert client.get(reverse("api_initiative", args=[hidden.pk])).status_code == 404
    ids = [row["id"] for row in client.get(reverse("api_initiatives")).json()["results"]]
    assert hidden.pk not in ids and cases["published"].pk in ids
    # The spread's origin is unpublished, so it is not named.
    assert client.get(reverse("api_initiative", args=[cases["spread"].pk])).json()[
        "spread_from"] is None


def test_the_api_names_a_spreads_published_origin(client, cases, site_on):
    origin = cases["published"]
    spread = make_initiative("公開元からの横展開", codes=("062049",), spread_from=origin)
    detail = client.get(reverse("api_initiative", args=[spread.pk])).json()
    assert detail["spread_from"] == origin.pk
    rows = {row["id"]: row for row in client.get(reverse("api_initiatives")).json()["results"]}
    assert rows[spread.pk]["spread_from"] == origin.pk
    assert rows[cases["spread"].pk]["spread_from"] is None  # its origin is unpublished
    assert rows[origin.pk]["spread_from"] is None


def test_open_data_csv_is_utf8_with_bom_one_value_per_cell_and_long_participants(
        client, cases, site_on):
    response = client.get(reverse("opendata_initiatives_csv"))
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    assert "creativecommons.org/licenses/by/4.0" in response["Link"]
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    row = next(r for r in rows if r["名称"] == "公開の共同発注")
    assert row["区分コード"] == "I-2" and row["幹事団体の団体コード"] == "062014"
    assert row["公開日"][:2] == "20" and row["公開日"][4] == "-"  # Western, YYYY-MM-DD
    assert "、" not in row["区分"]
    participants = list(csv.DictReader(io.StringIO(b"".join(client.get(
        reverse("opendata_participants_csv")).streaming_content).decode("utf-8-sig"))))
    codes = [(p["参加の区分"], p["団体コード"]) for p in participants
             if p["取組ID"] == str(cases["published"].pk)]
    assert ("参加市町村", "062014") in codes and ("幹事団体", "062014") in codes


def test_open_data_json_and_page_state_the_licence(client, cases, site_on):
    data = json.loads(b"".join(client.get(reverse("opendata_json")).streaming_content))
    assert data["license"]["name"] == "CC BY 4.0"
    assert [i["名称"] for i in data["initiatives"]] == ["公開の共同発注", "公開の横展開"]
    assert "CC BY 4.0" in client.get(reverse("opendata")).content.decode()


def test_the_atom_feed_lists_newly_published_cases(client, cases, site_on, prefecture_user):
    initiative_publish(actor=prefecture_user, initiative=cases["hidden"])
    feed = client.get(reverse("opendata_feed"))
    assert feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert body.index(SECRET) < body.index("公開の共同発注")  # newest first
    assert "CC BY 4.0" in body


def test_the_api_filters_pages_and_answers_304_for_an_unchanged_etag(client, site_on):
    for n in range(25):
        make_initiative(f"水道の取組み{n}", fields=("水道",) if n % 2 else ("観光",))
    listing = client.get(reverse("api_initiatives"), {"per_page": 20}).json()
    assert listing["count"] == 25 and len(listing["results"]) == 20 and listing["next"]
    second = client.get(reverse("api_initiatives"), {"per_page": 20, "page": 2}).json()
    assert len(second["results"]) == 5
    assert client.get(reverse("api_initiatives"), {"q": "水道の取組み1"}).json()["count"] == 11
    # A code nothing has matches nothing; an empty or malformed value is a 400.
    assert client.get(reverse("api_initiatives"), {"category": "nope"}).json()["count"] == 0
    assert client.get(reverse("api_initiatives"), {"category": ""}).status_code == 400
    assert client.get(reverse("api_initiatives"), {"per_page": "7"}).status_code == 400
    assert client.get(reverse("api_initiatives"), {"sort": "sideways"}).status_code == 400
    first = client.get(reverse("api_initiatives"))
    assert first["ETag"] and first["Last-Modified"]
    assert client.get(reverse("api_initiatives"),
                      HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    make_initiative("新しい取組み")
    assert client.get(reverse("api_initiatives"),
                      HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 200
    municipalities = client.get(reverse("api_municipalities")).json()
    assert [m["lg_code"] for m in municipalities][:2] == ["062014", "062022"]
    assert len(client.get(reverse("api_framework")).json()["methods"]) == 12


def test_the_api_lists_count_and_last_change_are_those_of_the_matching_published_rows(
        client, site_on, django_assert_max_num_queries):
    import datetime

    from django.utils import timezone
    from django.utils.http import http_date

    from collaboration.models import Initiative

    for n, codes in enumerate([("062014",), ("062014", "063657"), ("063657",), ("064611",)]):
        make_initiative(f"取組み{n}", codes=codes, published=n != 2)
    # Each a day apart, so that the latest change differs between the filters.
    for n, initiative in enumerate(Initiative.objects.order_by("pk")):
        Initiative.objects.filter(pk=initiative.pk).update(
            updated_at=timezone.now() - datetime.timedelta(days=n))
    for params, matching in [
            ({}, Initiative.objects.filter(is_published=True)),
            ({"municipality": "063657"}, Initiative.objects.filter(
                is_published=True, municipalities__lg_code="063657")),
            ({"region": "shonai"}, Initiative.objects.filter(
                is_published=True, municipalities__region__code="shonai").distinct()),
            ({"category": "nope"}, Initiative.objects.none())]:
        rows = list(matching)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("api_initiatives"), params)
        assert response.json()["count"] == len(rows), params
        assert sorted(row["id"] for row in response.json()["results"]) == sorted(
            row.pk for row in rows), params
        latest = max((row.updated_at for row in rows), default=None)
        assert response.get("Last-Modified") == (
            http_date(latest.timestamp()) if latest else None), params


def test_the_api_refuses_ids_that_are_not_whole_numbers_and_nul_characters(client, site_on):
    make_initiative("水道の取組み")
    assert client.get(reverse("api_initiatives"), {"method": "1"}).status_code == 200
    for params in [{"method": "1.0"}, {"field": "2e1"}, {"year": "2026.0"}, {"year": "1800"},
                   {"category": "I-2\x00"}, {"region": "\x00"}]:
        response = client.get(reverse("api_initiatives"), params)
        assert response.status_code == 400, params
        assert list(response.json()) == list(params), params
