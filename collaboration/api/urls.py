from django.urls import include, path
from django.views.decorators.http import conditional_page
from drf_spectacular.views import SpectacularJSONAPIView

from portal.lib.permissions import access
from portal.public_site import PUBLIC_SITE, shared_for_anonymous

from . import views


def _public(view_class, name, **initkwargs):
    # One copy of each answer for every anonymous caller, kept until the data changes; ETag
    # from the content (304 for If-None-Match), Last-Modified where the view sets it.
    return conditional_page(shared_for_anonymous(f"api:{name}")(access(PUBLIC_SITE)(
        view_class.as_view(**initkwargs))))


api_patterns = [
    path("", _public(views.ApiRoot, "root"), name="api_root"),
    path("initiatives/", _public(views.InitiativeList, "initiatives"), name="api_initiatives"),
    # Any text: a malformed id is the API's own JSON 404, not the HTML page.
    path("initiatives/<str:pk>/", _public(views.InitiativeDetail, "initiative"),
         name="api_initiative"),
    path("framework/", _public(views.FrameworkView, "framework"), name="api_framework"),
    path("municipalities/", _public(views.MunicipalityList, "municipalities"),
         name="api_municipalities"),
    path("municipalities/<str:lg_code>/", _public(views.MunicipalityDetail, "municipality"),
         name="api_municipality"),
]

urlpatterns = [
    path("api/v1/", include(api_patterns)),
    path("api/v1/openapi.json", _public(SpectacularJSONAPIView, "openapi",
                                        urlconf="collaboration.api.schema_urls"),
         name="api_schema"),
]
