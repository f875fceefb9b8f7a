from django.contrib import admin
from django.urls import include, path, register_converter
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from . import (
    account_views,
    auth_views,
    files,
    health,
    lockout_views,
    report_views,
    site_views,
    views,
)
from .lib.permissions import PUBLIC, access


class LgCodeConverter:
    """Six digits; anything else in a municipality URL is simply not found."""

    regex = "[0-9]{6}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(LgCodeConverter, "lg_code")

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.login, name="login"),
    path("logout/", auth_views.logout, name="logout"),
    path("password/change/", auth_views.password_change, name="password_change"),
    path("password/change/done/", auth_views.password_change_done, name="password_change_done"),
    path("password/reset/", auth_views.password_reset, name="password_reset"),
    path("password/reset/sent/", auth_views.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", auth_views.password_reset_confirm,
         name="password_reset_confirm"),
    path("password/reset/done/", auth_views.password_reset_complete,
         name="password_reset_complete"),
    path("accounts/lockouts/", lockout_views.lockout_list, name="lockout_list"),
    path("settings/public-site/", site_views.public_site_settings, name="public_site_settings"),
    path("accounts/lockouts/lift/", lockout_views.lockout_lift, name="lockout_lift"),
    path("files/<int:pk>/", files.download, name="file_download"),
    path("municipalities/", views.municipality_list, name="municipality_list"),
    path("municipalities/<lg_code:lg_code>/", views.municipality_detail,
         name="municipality_detail"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("reports/", report_views.report_list, name="report_list"),
    path("reports/new/", report_views.report_request, name="report_request"),
    path("reports/<int:pk>/", report_views.report_detail, name="report_detail"),
    path("reports/<int:pk>/status.json", report_views.report_status, name="report_status"),
    path("reports/<int:pk>/download/", report_views.report_download, name="report_download"),
    path("reports/<int:pk>/retry/", report_views.report_retry, name="report_retry"),
    path("municipalities/statistics/import/", views.statistics_import, name="statistics_import"),
    path("accounts/", account_views.account_list, name="account_list"),
    path("accounts/invite/", account_views.account_invite, name="account_invite"),
    path("accounts/import/", account_views.account_import, name="account_import"),
    path("accounts/import/template.xlsx", account_views.account_import_template,
         name="account_import_template"),
    path("accounts/<int:pk>/", account_views.account_edit, name="account_edit"),
    path("accounts/<int:pk>/deactivate/", account_views.account_deactivate,
         name="account_deactivate"),
    path("accounts/<int:pk>/reactivate/", account_views.account_reactivate,
         name="account_reactivate"),
    path("accounts/<int:pk>/invitation/", account_views.account_resend, name="account_resend"),
    path("accounts/<int:pk>/hand-over/", account_views.account_hand_over,
         name="account_hand_over"),
    path("invitation/<uidb64>/<token>/", account_views.invitation_accept,
         name="invitation_accept"),
    # Without a token: choosing a language touches nothing of the visitor's, and a public page
    # that carries no token sets no cookie, so it is shared by every anonymous visitor.
    path("i18n/setlang/", access(PUBLIC)(csrf_exempt(set_language)), name="set_language"),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", health.robots_txt, name="robots_txt"),
    path("favicon.ico", health.favicon, name="favicon"),
    path("", include("collaboration.urls")),
    path("", include("collaboration.api.urls")),
    path("", include("surveys.urls")),
    path("", include("meetings.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "portal.errors.bad_request"
handler403 = "portal.errors.permission_denied"
handler404 = "portal.errors.page_not_found"
handler500 = "portal.errors.server_error"
