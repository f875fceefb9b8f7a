"""A page of the initiatives list as plain rows: what ``InitiativeSerializer`` writes, read as
tuples. Through the serializer's nested fields and the model instances they need, a page of 20
was most of the list's time; the serializer still describes the rows (the OpenAPI document)
and writes the detail, and a test holds the two to the same output."""

from django.db.models import Case, F, When
from django.utils import timezone
from rest_framework.fields import DateTimeField

from portal.lib.links import by_pk

from ..models import Initiative

# The row's own columns and those of its category and lead organisation, in one query.
COLUMNS = ("id", "title", "summary", "body", "category__code", "category__label",
           "category__name", "lead_organisation_id", "lead_organisation__name",
           "lead_organisation__municipality__lg_code", "scope", "outside_prefecture", "status",
           "start_year", "end_year", "funding", "outcomes", "indicators", "is_model",
           "public_origin", "is_demo", "published_at", "created_at", "updated_at")
_updated = DateTimeField()


def public_origin():
    """The origin of a spread when it is published, else None: only those are named."""
    return Case(When(spread_from__is_published=True, then=F("spread_from_id")), default=None)


def page_rows(queryset):
    """``queryset`` (filtered and sorted) as the value rows ``initiative_rows`` writes."""
    return queryset.annotate(public_origin=public_origin()).values(*COLUMNS)


def _linked(ids) -> dict[str, dict[int, list]]:
    """Each initiative's methods, policy fields, municipalities and other bodies, in the
    order the serializer lists them."""
    through = {name: getattr(Initiative, name).through.objects.filter(initiative_id__in=ids)
               for name in ("methods", "policy_fields", "municipalities", "other_bodies")}
    reads = {
        "methods": through["methods"].order_by("method__sort_order", "method_id")
        .values_list("initiative_id", "method_id", "method__name"),
        "policy_fields": through["policy_fields"].order_by(
            "policyfield__sort_order", "policyfield_id")
        .values_list("initiative_id", "policyfield_id", "policyfield__name"),
        "municipalities": through["municipalities"].order_by("municipality__lg_code")
        .values_list("initiative_id", "municipality__lg_code", "municipality__name"),
        "other_bodies": through["other_bodies"].order_by(
            "organisation__kind", "organisation__name", "organisation_id")
        .values_list("initiative_id", "organisation__name"),
    }
    linked = {name: {pk: [] for pk in ids} for name in reads}
    for name, rows in reads.items():
        for initiative_id, *values in rows:
            linked[name][initiative_id].append(values)
    return linked


def initiative_rows(rows: list[dict], request) -> list[dict]:
    """``rows`` (from ``page_rows``) as ``InitiativeSerializer`` writes them."""
    linked = _linked([row["id"] for row in rows])
    url_of = by_pk("initiative_detail")
    written = []
    for row in rows:
        pk = row["id"]
        published = row["published_at"] or row["created_at"]
        written.append({
            "id": pk,
            "url": request.build_absolute_uri(url_of(pk)),
            "title": row["title"],
            "summary": row["summary"],
            "body": row["body"],
            "category": {"code": row["category__code"], "label": row["category__label"],
                         "name": row["category__name"]},
            "methods": [{"id": id_, "name": name} for id_, name in linked["methods"][pk]],
            "policy_fields": [{"id": id_, "name": name}
                              for id_, name in linked["policy_fields"][pk]],
            "lead_organisation": None if row["lead_organisation_id"] is None else {
                "name": row["lead_organisation__name"],
                "lg_code": row["lead_organisation__municipality__lg_code"]},
            "municipalities": [{"lg_code": code, "name": name}
                               for code, name in linked["municipalities"][pk]],
            "other_bodies": [name for (name,) in linked["other_bodies"][pk]],
            **{name: row[name] for name in ("scope", "outside_prefecture", "status",
                                            "start_year", "end_year", "funding", "outcomes",
                                            "indicators", "is_model")},
            "spread_from": row["public_origin"],
            "is_demo": row["is_demo"],
            "published_on": timezone.localtime(published).date().isoformat()
            if published else None,
            "updated_at": _updated.to_representation(row["updated_at"]),
        })
    return written
