"""The URLs the OpenAPI document describes: the API itself, without the document."""

from django.urls import include, path

from .urls import api_patterns

urlpatterns = [path("api/v1/", include(api_patterns))]
