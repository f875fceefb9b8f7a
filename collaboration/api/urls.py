from django.urls import include, path
from django.views.decorators.http import conditional_page
from drf_spectacular.views import SpectacularJSONAPIView

from portal.permissions import access
from portal.public_site import PUBLIC_SITE

from . import views


def _public(view_class, **initkwargs):
    # ETag from the content (304 for If-None-Match), Last-Modified where the view sets it.
    return access(PUBLIC_SITE)(conditional_page(view_class.as_view(**initkwargs)))


api_patterns = [
    path("", _public(views.ApiRoot), name="api_root"),
    path("initiatives/", _public(views.InitiativeList), name="api_initiatives"),
    # Any text: a malformed id is the API's own JSON 404, not the HTML page.
    path("initiatives/<str:pk>/", _public(views.InitiativeDetail), name="api_initiative"),
    path("framework/", _public(views.FrameworkView), name="api_framework"),
    path("municipalities/", _public(views.MunicipalityList), name="api_municipalities"),
    path("municipalities/<str:lg_code>/", _public(views.MunicipalityDetail),
         name="api_municipality"),
]

urlpatterns = [
    path("api/v1/", include(api_patterns)),
    path("api/v1/openapi.json", _public(SpectacularJSONAPIView,
                                        urlconf="collaboration.api.schema_urls"),
         name="api_schema"),
]
