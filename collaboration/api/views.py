"""Read-only API views: what the public site shows, as JSON, for whoever asks."""

import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError as FormValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch
from django.utils.http import http_date
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
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
from ..models import Axis, Category, Initiative, Method, PolicyField
from . import rows
from . import serializers as api_serializers

ERROR = inline_serializer("Error", fields={"detail": serializers.CharField()})
BAD_REQUEST = OpenApiResponse(
    {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    description="A parameter is not valid: each parameter named has its reasons.")
NOT_FOUND = OpenApiResponse(ERROR, description="Not found (or not published).")


class WholeNumberField(forms.IntegerField):
    """An integer written as digits: the document says integer, so 1.0 or 1e3 is a 400."""

    def to_python(self, value):
        if value not in self.empty_values and not re.fullmatch(r"-?[0-9]+", str(value).strip()):
            raise FormValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class WholeNumberFilter(django_filters.NumberFilter):
    field_class = WholeNumberField


class PublicInitiativeFilter(InitiativeFilter):
    """The catalogue's filters, by code or id: a value nothing has matches nothing (an empty
    page, not an error). Publication is not one: everything here is published."""

    category = django_filters.CharFilter(field_name="category__code")
    method = WholeNumberFilter(field_name="methods")
    field = WholeNumberFilter(field_name="policy_fields")
    year = WholeNumberFilter(field_name="start_year", min_value=1900, max_value=2100)
    region = django_filters.CharFilter(method="filter_region_code")
    municipality = django_filters.CharFilter(field_name="municipalities__lg_code")

    def filter_region_code(self, queryset, name, value):
        taking_part = Initiative.municipalities.through.objects.filter(
            municipality__region__code=value).values("initiative_id")
        return queryset.filter(pk__in=taking_part)


del PublicInitiativeFilter.base_filters["published"]

# A NUL character is refused (400), as in every text the portal takes.
TEXT = {"type": "string", "minLength": 1, "pattern": "^[^\\x00]+$"}
# What the filters accept, said in the document so that a client can build valid requests.
FILTER_PARAMETERS = [
    OpenApiParameter("q", str, description="Search words (Japanese; all must match).",
                     pattern="^[^\\x00]{1,200}$"),
    OpenApiParameter("category", TEXT, description="Category code, e.g. I-2."),
    OpenApiParameter("method", int, description="Collaboration method id (see framework)."),
    OpenApiParameter("field", int, description="Policy field id (see framework)."),
    OpenApiParameter("region", TEXT, description="Region code, e.g. murayama."),
    OpenApiParameter("municipality", TEXT, description="団体コード of a participating "
                                                      "municipality, e.g. 062014."),
    OpenApiParameter("year", {"type": "integer", "minimum": 1900, "maximum": 2100},
                     description="First fiscal year (Western, e.g. 2024)."),
    OpenApiParameter("page", {"type": "integer", "minimum": 1}, description="Page number."),
    OpenApiParameter("per_page", int, enum=list(PAGE_SIZES), description="Rows per page."),
]


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


class CountedPaginator(Paginator):
    """Django's paginator told the count beforehand (``count``), so that it sends no query
    of its own for it."""

    def __init__(self, object_list, per_page, *, count: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.count = count


class Pages(PageNumberPagination):
    page_size = PAGE_SIZES[0]
    page_size_query_param = "per_page"
    max_page_size = PAGE_SIZES[-1]
    # The list sets ``known_count`` from the query that also finds Last-Modified.
    known_count: int | None = None

    def django_paginator_class(self, object_list, per_page):
        return CountedPaginator(object_list, per_page, count=self.known_count)

    def get_page_size(self, request):
        asked = request.query_params.get(self.page_size_query_param)
        if asked is not None and asked not in {str(size) for size in PAGE_SIZES}:
            raise ValidationError({"per_page": [
                f"Choose one of {', '.join(str(size) for size in PAGE_SIZES)}."]})
        return int(asked) if asked else self.page_size


def _refuse_empty(request, names) -> None:
    # An empty parameter is a mistake in a program's request, not "no condition".
    empty = {name: ["A value is required."] for name in names
             if request.query_params.get(name, None) == ""}
    if empty:
        raise ValidationError(empty)
    if request.query_params.get("model", "true") not in ("true", "false"):
        raise ValidationError({"model": ["Use true or false."]})


def _initiatives():
    return selectors.public_initiatives()


def _with_details(queryset):
    """What each serialized initiative shows, in a fixed number of queries."""
    return (queryset
            .select_related("category", "lead_organisation__municipality")
            .prefetch_related(
                Prefetch("methods", queryset=Method.objects.order_by("sort_order", "pk")),
                Prefetch("policy_fields", queryset=PolicyField.objects.order_by(
                    "sort_order", "pk")),
                Prefetch("municipalities", queryset=Municipality.objects.order_by("lg_code")),
                "other_bodies")
            .defer("search_text", "contact", "proposed_by")
            .annotate(public_origin=rows.public_origin()))


def _set_last_modified(response, latest):
    if latest is not None:
        response["Last-Modified"] = http_date(latest.timestamp())
    return response


@extend_schema(tags=["initiatives"], parameters=FILTER_PARAMETERS, responses={
    200: api_serializers.InitiativeSerializer(many=True), 400: BAD_REQUEST, 404: NOT_FOUND})
class InitiativeList(generics.ListAPIView):
    """Published initiatives with the catalogue's filters, sort and pages."""

    serializer_class = api_serializers.InitiativeSerializer
    queryset = Initiative.objects.none()  # for the document; requests use get_queryset()
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend, SortBackend]
    filterset_class = PublicInitiativeFilter

    def get_queryset(self):
        return _initiatives()

    def list(self, request, *args, **kwargs):
        _refuse_empty(request, [*PublicInitiativeFilter.base_filters, "sort", "page",
                                "per_page"])
        queryset = self.filter_queryset(self.get_queryset())
        # How many match and the latest change, in one query over the bare rows.
        totals = queryset.order_by().aggregate(count=Count("*"), latest=Max("updated_at"))
        self.paginator.known_count = totals["count"]
        page = self.paginate_queryset(rows.page_rows(queryset))
        response = self.get_paginated_response(rows.initiative_rows(page, request))
        return _set_last_modified(response, totals["latest"])


@extend_schema(tags=["initiatives"], responses={
    200: api_serializers.InitiativeSerializer, 404: NOT_FOUND})
class InitiativeDetail(generics.RetrieveAPIView):
    """One published initiative."""

    serializer_class = api_serializers.InitiativeSerializer
    queryset = Initiative.objects.none()

    def get_queryset(self):
        return _with_details(_initiatives())

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

    from portal.lib.permissions import VIEW, scope

    return scope(AnonymousUser(), VIEW, Municipality.objects.select_related("region")
                 .order_by("lg_code"))


@extend_schema(tags=["reference"], responses={
    200: api_serializers.MunicipalitySerializer(many=True)})
class MunicipalityList(generics.ListAPIView):
    """The 35 municipalities in 団体コード order, with their region."""

    serializer_class = api_serializers.MunicipalitySerializer
    queryset = Municipality.objects.none()

    def get_queryset(self):
        return _municipalities()


@extend_schema(tags=["reference"], responses={
    200: api_serializers.MunicipalitySerializer, 404: NOT_FOUND})
class MunicipalityDetail(generics.RetrieveAPIView):
    """One municipality by its 団体コード."""

    serializer_class = api_serializers.MunicipalitySerializer
    queryset = Municipality.objects.none()
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
