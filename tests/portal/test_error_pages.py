"""With DEBUG off a user gets the portal's own error pages in Japanese, with where to go next."""

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from tests.conftest import need_service

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.portal.error_urls")]


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False


def text(response) -> str:
    return response.content.decode()


def test_a_missing_page_is_the_portals_404_in_japanese(client, municipal_user):
    client.force_login(municipal_user)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    page = text(response)
    assert '<html lang="ja">' in page
    assert "<h1>ページが見つかりません</h1>" in page
    assert 'aria-label="メインメニュー"' in page  # the portal's layout, menu and all
    assert f'<a href="{reverse("initiative_list")}">連携の取組みを探す</a>' in page
    assert "エラーコード：404" in page
    assert "Not Found" not in page


def test_an_initiative_outside_the_users_scope_is_the_same_404(client, municipal_user):
    client.force_login(municipal_user)
    response = client.get(reverse("initiative_detail", args=[999_999]))
    assert response.status_code == 404
    assert "<h1>ページが見つかりません</h1>" in text(response)


def test_a_visitor_who_is_not_logged_in_is_offered_the_login(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert f'<a href="{reverse("login")}">ログイン</a>' in text(response)


def test_the_404_follows_the_language_switch(client):
    client.cookies["django_language"] = "en"
    response = client.get("/no-such-page/")
    assert "<h1>Page not found</h1>" in text(response)


def test_a_refused_action_is_the_403_page(client, municipal_user):
    client.force_login(municipal_user)
    response = client.get("/test-errors/forbidden/")
    assert response.status_code == 403
    page = text(response)
    assert "<h1>このページを表示する権限がありません</h1>" in page
    assert "県のポータル管理者に役割の変更を依頼してください" in page
    assert "403 Forbidden" not in page


def test_a_bad_request_is_the_400_page(client):
    response = client.get("/test-errors/bad-request/")
    assert response.status_code == 400
    page = text(response)
    assert "<h1>リクエストを処理できませんでした</h1>" in page
    assert "Bad Request" not in page


def test_an_expired_form_is_explained_in_japanese(municipal_user):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "yamagata", "password": "x"})
    assert response.status_code == 403
    page = text(response)
    assert "<h1>フォームを送信できませんでした</h1>" in page
    assert "CSRF verification failed" not in page


def test_a_throttled_request_is_the_429_page_with_retry_after(client, municipal_user):
    client.force_login(municipal_user)
    response = client.get("/test-errors/throttled/")
    assert response.status_code == 429
    assert response["Retry-After"] == "90"
    page = text(response)
    assert "<h1>短時間のアクセスが多すぎます</h1>" in page
    assert "2分ほど待ってから" in page


def test_a_bug_is_the_500_page_drawn_without_the_database(municipal_user,
                                                           django_assert_num_queries):
    client = Client(raise_request_exception=False)
    client.force_login(municipal_user)
    with django_assert_num_queries(0):  # neither the session nor the user is read
        response = client.get("/test-errors/broken/?from=menu")
    assert response.status_code == 500
    page = text(response)
    assert '<html lang="ja">' in page
    assert "<h1>システムエラーが発生しました</h1>" in page
    assert '<a href="/test-errors/broken/?from=menu">このページをもう一度開く</a>' in page
    assert "Server Error (500)" not in page


def test_the_retry_link_never_leaves_the_portal(rf):
    from portal.errors import server_error

    request = rf.get("/")
    request.path = "//elsewhere.example/"
    page = text(server_error(request))
    assert '<a href="/elsewhere.example/">' in page
    assert 'href="//' not in page


def test_a_database_error_outside_a_view_is_the_503_page(rf):
    """Errors Django meets outside a view (a middleware, saving the session) reach the 500
    handler, which tells a lost database from a bug."""
    from django.db import OperationalError

    from portal.errors import server_error

    default = connections["default"]
    need_service(default.vendor == "postgresql", "DATABASE_URL does not point at PostgreSQL")
    # A second connection to a port nothing listens on: refused, as while PostgreSQL restarts.
    refused = type(default)({**default.settings_dict, "PORT": "1"}, "default")
    with pytest.raises(OperationalError):
        try:
            refused.ensure_connection()
        except OperationalError:
            response = server_error(rf.get("/initiatives/"))
            raise
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "ただいま一時的にご利用いただけません" in text(response)


def test_the_favicon_answers(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO file's header


def test_every_page_links_the_icons(client):
    page = text(client.get(reverse("login")))
    assert '<link rel="icon" href="/favicon.ico"' in page
    assert 'type="image/svg+xml"' in page
