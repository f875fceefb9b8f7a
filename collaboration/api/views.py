"""Read-only API views: what the public site shows, as JSON, for whoever asks."""

from django.db.models import Case, F, Max, Prefetch, When
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from portal.models import Municipality

from .. import selectors
from ..filters import PAGE_SIZES, SORTS, InitiativeFilter
from ..models import Axis, Category, Method, PolicyField
from . import serializers as api_serializers

ERROR = inline_serializer("Error", fields={"detail": serializers.CharField()})
BAD_REQUEST = OpenApiResponse(
    inline_serializer("InvalidParameters", fields={
        "parameter": serializers.ListField(child=serializers.CharField())}),
    description="A parameter is not valid; each named parameter has its reasons.")
NOT_FOUND = OpenApiResponse(ERROR, description="Not found (or not published).")


class PublicInitiativeFilter(InitiativeFilter):
    """The catalogue's filters; publication is not one, everything here is published."""


del PublicInitiativeFilter.base_filters["published"]


class SortBackend(BaseFilterBackend):
    """The catalogue's sort orders; anything else is a 400."""

    def filter_queryset(self, request, queryset, view):
        value = request.query_params.get("sort") or "-updated"
        if value not in SORTS:
            raise ValidationError({"sort": [f"Choose one of {', '.join(SORTS)}."]})
        return queryset.order_by(*SORTS[value])

    def get_schema_operation_parameters(self, view):
        return [{"name": "sort", "in": "query", "required": False,
                 "description": "Sort order (default: recently updated first).",
                 "schema": {"type": "string", "enum": list(SORTS)}}]


class Pages(PageNumberPagination):
    page_size = PAGE_SIZES[0]
    page_size_query_param = "per_page"
    max_page_size = PAGE_SIZES[-1]


def _initiatives():
    return (selectors.public_initiatives()
            .select_related("category", "lead_organisation__municipality")
            .prefetch_related(
                Prefetch("methods", queryset=Method.objects.order_by("sort_order", "pk")),
                Prefetch("policy_fields", queryset=PolicyField.objects.order_by(
                    "sort_order", "pk")),
                Prefetch("municipalities", queryset=Municipality.objects.order_by("lg_code")),
                "other_bodies")
            .defer("search_text", "search_grams", "contact", "proposed_by")
            # Only a published origin of a spread is named.
            .annotate(public_origin=Case(When(spread_from__is_published=True,
                                              then=F("spread_from_id")), default=None)))


def _last_modified(response, queryset):
    latest = queryset.order_by().aggregate(latest=Max("updated_at"))["latest"]
    if latest is not None:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response


@extend_schema(tags=["initiatives"], responses={200: api_serializers.InitiativeSerializer(
    many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class InitiativeList(generics.ListAPIView):
    """Published initiatives with the catalogue's filters, sort and pages."""

    serializer_class = api_serializers.InitiativeSerializer
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend, SortBackend]
    filterset_class = PublicInitiativeFilter

    def get_queryset(self):
        return _initiatives()

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        response = self.get_paginated_response(self.get_serializer(page, many=True).data)
        return _last_modified(response, queryset)


@extend_schema(tags=["initiatives"], responses={
    200: api_serializers.InitiativeSerializer, 404: NOT_FOUND})
class InitiativeDetail(generics.RetrieveAPIView):
    """One published initiative."""

    serializer_class = api_serializers.InitiativeSerializer

    def get_queryset(self):
        return _initiatives()

    def retrieve(self, request, *args, **kwargs):
        initiative = self.get_object()
        response = Response(self.get_serializer(initiative).data)
        response["Last-Modified"] = http_date(initiative.updated_at.timestamp())
        return response


@extend_schema(tags=["reference"], responses={200: api_serializers.FrameworkSerializer})
class FrameworkView(APIView):
    """The policy's framework: axes, categories with their main methods, collaboration methods
    and policy fields."""

    def get(self, request):
        data = {
            "axes": Axis.objects.all(),
            "categories": Category.objects.select_related("axis").prefetch_related(
                "main_methods"),
            "methods": Method.objects.all(),
            "policy_fields": PolicyField.objects.all(),
        }
        return Response(api_serializers.FrameworkSerializer(data).data)


def _municipalities():
    from django.contrib.auth.models import AnonymousUser

    from portal.permissions import VIEW, scope

    return scope(AnonymousUser(), VIEW, Municipality.objects.select_related("region")
                 .order_by("lg_code"))


@extend_schema(tags=["reference"], responses={
    200: api_serializers.MunicipalitySerializer(many=True)})
class MunicipalityList(generics.ListAPIView):
    """The 35 municipalities in 団体コード order, with their region."""

    serializer_class = api_serializers.MunicipalitySerializer

    def get_queryset(self):
        return _municipalities()


@extend_schema(tags=["reference"], responses={
    200: api_serializers.MunicipalitySerializer, 404: NOT_FOUND})
class MunicipalityDetail(generics.RetrieveAPIView):
    """One municipality by its 団体コード."""

    serializer_class = api_serializers.MunicipalitySerializer
    lookup_field = "lg_code"

    def get_queryset(self):
        return _municipalities()


@extend_schema(tags=["reference"], responses={200: inline_serializer("Index", fields={
    name: serializers.URLField() for name in (
        "initiatives", "framework", "municipalities", "openapi")})})
class ApiRoot(APIView):
    """Where each part of the API is."""

    def get(self, request):
        return Response({
            "initiatives": reverse("api_initiatives", request=request),
            "framework": reverse("api_framework", request=request),
            "municipalities": reverse("api_municipalities", request=request),
            "openapi": reverse("api_schema", request=request),
        })
