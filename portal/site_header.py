"""The site header's menu and tools, written in Python as base.html's template wrote them
(tests/portal/test_site_header.py compares the two): the header was most of every page's
frame (1.8 of the layout's 2.4 ms of CPU built cold)."""

from django.conf import settings
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from .lib import permissions
from .lib.markup import escape
from .models import User
from .templatetags.site_links import site_url

# (page, label) of the menu of those signed in, and of the public site's visitors.
SIGNED_IN_MENU = (
    ("home", gettext_lazy("Home")), ("initiative_list", gettext_lazy("Initiatives")),
    ("survey_list", gettext_lazy("Surveys")), ("theme_list", gettext_lazy("Themes")),
    ("body_list", gettext_lazy("Councils")), ("dashboard", gettext_lazy("At a glance")),
    ("report_list", gettext_lazy("Reports")),
    ("municipality_list", gettext_lazy("Municipalities")),
    ("account_list", gettext_lazy("Accounts")))  # for those who manage accounts
PUBLIC_MENU = (
    ("home", gettext_lazy("About the programme")),
    ("initiative_list", gettext_lazy("Initiatives")),
    ("initiative_matrix", gettext_lazy("Category × method table")),
    ("opendata", gettext_lazy("Open data")))
INDENT = "\n          "


def _item(name: str, label, current: str) -> str:
    here = ' aria-current="page"' if name == current else ""
    return f'<li><a href="{escape(site_url(name))}"{here}>{escape(str(label))}</a></li>'


def _menu(items: list[str]) -> str:
    return (f'\n      <nav class="site-nav" aria-label="{escape(_("Main menu"))}">\n        <ul>'
            f'{INDENT}{INDENT.join(items)}\n        </ul>\n      </nav>\n      ')


def site_nav(request, user, public_site) -> SafeString:
    """The main menu: every page for those signed in (accounts for those who manage them,
    the administration for superusers), the public pages for visitors while the public site
    is on, nothing otherwise."""
    match = getattr(request, "resolver_match", None)
    current = (match.url_name if match else None) or ""
    if user.is_authenticated:
        *pages, accounts = SIGNED_IN_MENU
        items = [_item(name, label, current) for name, label in pages]
        items.append(_item(*accounts, current)
                     if permissions.can(user, "manage_accounts", User) else "")
        items.append(f'<li><a href="{escape(site_url("admin:index"))}">'
                     f'{escape(_("Administration"))}</a></li>' if user.is_superuser else "")
        return mark_safe(_menu(items))
    if public_site():
        items = [_item(name, label, current) for name, label in PUBLIC_MENU]
        items.append(f'<li><a href="{escape(site_url("login"))}">'
                     f'{escape(_("Log in (staff)"))}</a></li>')
        return mark_safe(_menu(items))
    return mark_safe("")


def site_tools(request, user) -> SafeString:
    """Who is signed in, the password and log-out links, and the other language."""
    parts = ['<div class="site-tools">\n        ']
    if user.is_authenticated:
        organisation = f"・{escape(str(user.organisation))}" if user.organisation else ""
        parts.append(
            f'\n        <p class="site-user">{escape(user.display_name)}<span '
            f'class="site-user__role">{escape(str(user.get_role_display()))}{organisation}'
            f'</span></p>\n        <a href="{escape(site_url("password_change"))}">'
            f'{escape(_("Change password"))}</a>\n        <form method="post" '
            f'action="{escape(site_url("logout"))}" class="inline-form">'
            f'<input type="hidden" name="csrfmiddlewaretoken" '
            f'value="{escape(get_token(request))}">\n          <button type="submit" '
            f'class="link-button">{escape(_("Log out"))}</button>\n        </form>\n        ')
    current = get_language()
    buttons = "".join(
        f'\n          <button type="submit" name="language" value="{escape(code)}" '
        f'class="link-button" lang="{escape(code)}">{"English" if code == "en" else "日本語"}'
        f'</button>\n          ' for code, _name in settings.LANGUAGES if code != current)
    parts.append(
        f'\n        <form method="post" action="{escape(site_url("set_language"))}" '
        f'class="inline-form language-form">\n          <input type="hidden" name="next" '
        f'value="{escape(request.get_full_path())}">\n          \n          {buttons}\n'
        f'        </form>\n      </div>')
    return mark_safe("".join(parts))
