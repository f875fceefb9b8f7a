"""The site header written in Python (portal/site_header.py) is what base.html's template
wrote, for each kind of visitor, page and language."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import resolve
from django.utils import translation
from django.utils.functional import SimpleLazyObject

from portal.models import Organisation, User

# The header's two blocks as base.html wrote them before they were written in Python.
TEMPLATE_HEADER = """{% load i18n permissions site_links %}{% get_current_language as LANGUAGE_CODE %}{% block site_nav %}{% if user.is_authenticated %}
      <nav class="site-nav" aria-label="{% translate 'Main menu' %}">
        <ul>
          <li><a href="{% site_url 'home' %}"{% if request.resolver_match.url_name == 'home' %} aria-current="page"{% endif %}>{% translate "Home" %}</a></li>
          <li><a href="{% site_url 'initiative_list' %}"{% if request.resolver_match.url_name == 'initiative_list' %} aria-current="page"{% endif %}>{% translate "Initiatives" %}</a></li>
          <li><a href="{% site_url 'survey_list' %}"{% if request.resolver_match.url_name == 'survey_list' %} aria-current="page"{% endif %}>{% translate "Surveys" %}</a></li>
          <li><a href="{% site_url 'theme_list' %}"{% if request.resolver_match.url_name == 'theme_list' %} aria-current="page"{% endif %}>{% translate "Themes" %}</a></li>
          <li><a href="{% site_url 'body_list' %}"{% if request.resolver_match.url_name == 'body_list' %} aria-current="page"{% endif %}>{% translate "Councils" %}</a></li>
          <li><a href="{% site_url 'dashboard' %}"{% if request.resolver_match.url_name == 'dashboard' %} aria-current="page"{% endif %}>{% translate "At a glance" %}</a></li>
          <li><a href="{% site_url 'report_list' %}"{% if request.resolver_match.url_name == 'report_list' %} aria-current="page"{% endif %}>{% translate "Reports" %}</a></li>
          <li><a href="{% site_url 'municipality_list' %}"{% if request.resolver_match.url_name == 'municipality_list' %} aria-current="page"{% endif %}>{% translate "Municipalities" %}</a></li>
          {% can "manage_accounts" "portal.User" as may_manage_accounts %}{% if may_manage_accounts %}<li><a href="{% site_url 'account_list' %}"{% if request.resolver_match.url_name == 'account_list' %} aria-current="page"{% endif %}>{% translate "Accounts" %}</a></li>{% endif %}
          {% if user.is_superuser %}<li><a href="{% site_url 'admin:index' %}">{% translate "Administration" %}</a></li>{% endif %}
        </ul>
      </nav>
      {% elif public_site %}
      <nav class="site-nav" aria-label="{% translate 'Main menu' %}">
        <ul>
          <li><a href="{% site_url 'home' %}"{% if request.resolver_match.url_name == 'home' %} aria-current="page"{% endif %}>{% translate "About the programme" %}</a></li>
          <li><a href="{% site_url 'initiative_list' %}"{% if request.resolver_match.url_name == 'initiative_list' %} aria-current="page"{% endif %}>{% translate "Initiatives" %}</a></li>
          <li><a href="{% site_url 'initiative_matrix' %}"{% if request.resolver_match.url_name == 'initiative_matrix' %} aria-current="page"{% endif %}>{% translate "Category × method table" %}</a></li>
          <li><a href="{% site_url 'opendata' %}"{% if request.resolver_match.url_name == 'opendata' %} aria-current="page"{% endif %}>{% translate "Open data" %}</a></li>
          <li><a href="{% site_url 'login' %}">{% translate "Log in (staff)" %}</a></li>
        </ul>
      </nav>
      {% endif %}{% endblock %}
      {% block site_tools %}<div class="site-tools">
        {% if user.is_authenticated %}
        <p class="site-user">{{ user.display_name }}<span class="site-user__role">{{ user.get_role_display }}{% if user.organisation %}・{{ user.organisation }}{% endif %}</span></p>
        <a href="{% site_url 'password_change' %}">{% translate "Change password" %}</a>
        <form method="post" action="{% site_url 'logout' %}" class="inline-form">{% csrf_token %}
          <button type="submit" class="link-button">{% translate "Log out" %}</button>
        </form>
        {% endif %}
        <form method="post" action="{% site_url 'set_language' %}" class="inline-form language-form">
          <input type="hidden" name="next" value="{{ request.get_full_path }}">
          {% get_available_languages as languages %}
          {% for code, name in languages %}{% if code != LANGUAGE_CODE %}
          <button type="submit" name="language" value="{{ code }}" class="link-button" lang="{{ code }}">{% if code == "en" %}English{% else %}日本語{% endif %}</button>
          {% endif %}{% endfor %}
        </form>
      </div>{% endblock %}"""  # noqa: E501
PYTHON_HEADER = ("{% load site_frame %}{% block site_nav %}{% site_nav %}{% endblock %}\n"
                 "      {% block site_tools %}{% site_tools %}{% endblock %}")
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def rendered(source, user, path, public_site):
    request = RequestFactory().get(path)
    request.user = SimpleLazyObject(lambda: user)  # as the middleware gives it
    request.resolver_match = resolve(path.split("?")[0])
    html = engines["django"].from_string(source).render(
        {"public_site": lambda: public_site}, request)
    return TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize("path", ["/", "/initiatives/?q=<水道>&x=\"1\"", "/surveys/", "/themes/",
                                  "/councils/", "/dashboard/", "/reports/", "/municipalities/",
                                  "/accounts/", "/initiatives/matrix/", "/opendata/",
                                  "/login/"])
@pytest.mark.parametrize("who", ["visitor", "visitor without the public site", "staff",
                                 "account manager", "superuser", "without organisation"])
def test_the_header_is_written_as_the_template_wrote_it(who, path, language, prefecture_user):
    if who.startswith("visitor"):
        user = AnonymousUser()
    elif who == "staff":
        user = User.objects.create_user(
            "header-staff", password="x", role=User.Role.MUNICIPAL, last_name="<山形&",
            first_name="太郎>",
            organisation=Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
            .first())
    elif who == "account manager":
        user = prefecture_user
    elif who == "superuser":
        user = User.objects.create_superuser("header-admin", password="x",
                                             role=User.Role.ADMIN)
    else:
        user = User.objects.create_user("header-none", password="x", role=User.Role.PREFECTURE)
    public_site = who != "visitor without the public site"
    with translation.override(language):
        expected = rendered(TEMPLATE_HEADER, user, path, public_site)
        assert rendered(PYTHON_HEADER, user, path, public_site) == expected
    if who == "staff":
        assert "&lt;山形&amp; 太郎&gt;" in expected
    assert ("site-nav" in expected) == (user.is_authenticated or public_site)
    assert ('href="/accounts/"' in expected) == (who in ("account manager", "superuser",
                                                          "without organisation"))
    assert ('href="/admin/"' in expected) == (who == "superuser")
