import secrets

import pytest
from django.urls import reverse

from tests.portal.test_settings import run_settings

pytestmark = pytest.mark.django_db

PRODUCTION = {"DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
              "ALLOWED_HOSTS": "renkei.example.jp"}


def test_pages_allow_only_the_portals_own_scripts_and_styles(client, municipal_user):
    client.force_login(municipal_user)
    response = client.get(reverse("municipality_list"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_templates_carry_no_inline_script_or_style(client, municipal_user):
    client.force_login(municipal_user)
    for url in (reverse("login"), reverse("home"), reverse("municipality_list"),
                reverse("municipality_detail", args=["062014"])):
        page = client.get(url).content.decode()
        assert "<script" not in page and "<style" not in page and " style=" not in page, url


def test_the_deploy_check_is_clean_under_production_settings(tmp_path):
    result = run_settings(tmp_path, code=(
        "import django; django.setup()\n"
        "from django.core.management import call_command\n"
        "call_command('check', '--deploy', '--fail-level', 'WARNING')\n"), **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_sends_hsts_and_secure_cookies(tmp_path):
    result = run_settings(tmp_path, code=(
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.test import Client\n"
        "from django.test.utils import setup_test_environment\n"
        "setup_test_environment()\n"
        "plain = Client().get('/login/', HTTP_HOST='renkei.example.jp')\n"
        "secure = Client().get('/healthz', secure=True, HTTP_HOST='renkei.example.jp')\n"
        "print(plain.status_code, plain.get('Location'))\n"
        "print(secure.get('Strict-Transport-Security'))\n"
        "print(settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE)\n"),
        **PRODUCTION, DATABASE_URL=f"sqlite:///{tmp_path}/prod.sqlite3")
    assert result.returncode == 0, result.stderr
    redirect, hsts, cookies = result.stdout.strip().splitlines()
    assert redirect == "301 https://renkei.example.jp/login/"
    assert hsts == "max-age=31536000; includeSubDomains"
    assert cookies == "True True"
