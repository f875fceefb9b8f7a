"""Published initiatives for machines: CSV (UTF-8 with BOM, one value per cell, participants and
classifications in long format with 団体コード, Western dates) and JSON, under CC BY 4.0.

Column names are fixed Japanese, whatever the page's language, so that a program reading the
files keeps working. Every file is streamed in chunks, in constant memory."""

import json

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from portal.models import Municipality, Organisation

from .exports import CHUNK, _chunks, _links
from .models import Initiative, Method, PolicyField

LICENCE = "CC BY 4.0"
LICENCE_NAME = "クリエイティブ・コモンズ 表示 4.0 国際"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.ja"
PUBLISHER = "山形県 企画振興部"
ATTRIBUTION = "山形県「連携ポータル」の公開データ"

INITIATIVE_COLUMNS = [
    "取組ID", "名称", "概要", "区分コード", "区分", "状況コード", "状況", "範囲コード", "範囲",
    "県外事例の都道府県", "開始年度", "終了年度", "財源コード", "財源", "幹事団体",
    "幹事団体の団体コード", "モデル事業", "横展開元の取組ID", "デモデータ", "公開日", "更新日時",
    "URL",
]
PARTICIPANT_COLUMNS = ["取組ID", "名称", "参加の区分", "団体コード", "団体名"]
CLASSIFICATION_COLUMNS = ["取組ID", "名称", "分類", "分類ID", "値"]
LEAD, MUNICIPALITY, OTHER = "幹事団体", "参加市町村", "その他の参加団体"
METHOD, FIELD = "連携手法", "政策分野"


def published_on(initiative) -> str:
    """The day (Japan time) it was published, in the Western calendar."""
    when = initiative.published_on
    return timezone.localtime(when).date().isoformat() if when else ""


def for_export(queryset):
    """``queryset`` with what the files need, in ID order (a stable order for machines)."""
    return (queryset.select_related("category", "lead_organisation__municipality")
            .defer("body", "outcomes", "indicators", "search_text", "contact")
            .annotate(published_on=Coalesce(F("published_at"), F("created_at")))
            .order_by("pk"))


def _labels():
    return {name: dict(Initiative._meta.get_field(name).flatchoices)
            for name in ("scope", "status", "funding")}


def initiative_rows(queryset, base_url: str):
    labels = _labels()
    for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
        # Only a published origin is named: an unpublished one is not public.
        origins = set(Initiative.objects.filter(
            pk__in={item.spread_from_id for item in chunk if item.spread_from_id},
            is_published=True).values_list("pk", flat=True))
        for item in chunk:
            lead = item.lead_organisation
            yield [
                item.pk, item.title, item.summary, item.category.code,
                f"{item.category.label} {item.category.name}", item.status,
                str(labels["status"].get(item.status, item.status)), item.scope,
                str(labels["scope"].get(item.scope, item.scope)), item.outside_prefecture,
                item.start_year or "", item.end_year or "", item.funding,
                str(labels["funding"].get(item.funding, "")) if item.funding else "",
                lead.name if lead else "",
                lead.municipality.lg_code if lead and lead.municipality else "",
                "1" if item.is_model else "0",
                item.spread_from_id if item.spread_from_id in origins else "",
                "1" if item.is_demo else "0", published_on(item),
                timezone.localtime(item.updated_at).isoformat(timespec="seconds"),
                base_url + item.get_absolute_url(),
            ]


def participant_rows(queryset):
    """One row per initiative × body taking part: the lead, each municipality (団体コード order)
    and each other body."""
    municipalities = {m.pk: m for m in Municipality.objects.order_by("lg_code")}
    for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
        ids = [item.pk for item in chunk]
        by_municipality = _links(Initiative.municipalities.through, "municipality_id", ids)
        by_body = _links(Initiative.other_bodies.through, "organisation_id", ids)
        bodies = {o.pk: o for o in Organisation.objects.filter(
            pk__in={pk for pks in by_body.values() for pk in pks})}
        for item in chunk:
            lead = item.lead_organisation
            if lead is not None:
                yield [item.pk, item.title, LEAD,
                       lead.municipality.lg_code if lead.municipality else "", lead.name]
            for municipality in sorted((municipalities[pk] for pk in
                                        by_municipality.get(item.pk, [])),
                                       key=lambda m: m.lg_code):
                yield [item.pk, item.title, MUNICIPALITY, municipality.lg_code,
                       municipality.name]
            for pk in sorted(by_body.get(item.pk, [])):
                yield [item.pk, item.title, OTHER, "", bodies[pk].name]


def classification_rows(queryset):
    """One row per initiative × collaboration method and × policy field."""
    methods = {m.pk: m for m in Method.objects.all()}
    fields = {f.pk: f for f in PolicyField.objects.all()}
    for chunk in _chunks(queryset.iterator(chunk_size=CHUNK), CHUNK):
        ids = [item.pk for item in chunk]
        by_method = _links(Initiative.methods.through, "method_id", ids)
        by_field = _links(Initiative.policy_fields.through, "policyfield_id", ids)
        for item in chunk:
            for pk in sorted(by_method.get(item.pk, []),
                             key=lambda pk: (methods[pk].sort_order, pk)):
                yield [item.pk, item.title, METHOD, pk, methods[pk].name]
            for pk in sorted(by_field.get(item.pk, []),
                             key=lambda pk: (fields[pk].sort_order, pk)):
                yield [item.pk, item.title, FIELD, pk, fields[pk].name]


def metadata(base_url: str) -> dict:
    return {
        "title": "連携の取組み・先進事例（公開分）",
        "publisher": PUBLISHER,
        "license": {"name": LICENCE, "title": LICENCE_NAME, "url": LICENCE_URL},
        "attribution": ATTRIBUTION,
        "source": base_url + "/opendata/",
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
    }


def json_chunks(queryset, base_url: str):
    """The published initiatives as one JSON document, written piece by piece."""
    header = json.dumps(metadata(base_url), ensure_ascii=False)[:-1]
    yield header + ', "initiatives": ['
    participants: dict[int, list] = {}
    classifications: dict[int, list] = {}
    first = True
    for chunk in _chunks(initiative_rows(queryset, base_url), CHUNK):
        ids = [row[0] for row in chunk]
        subset = queryset.filter(pk__in=ids)
        participants.clear()
        classifications.clear()
        for row in participant_rows(subset):
            participants.setdefault(row[0], []).append(
                {"role": row[2], "lg_code": row[3] or None, "name": row[4]})
        for row in classification_rows(subset):
            classifications.setdefault(row[0], []).append((row[2], row[4]))
        for row in chunk:
            record = {name: None if value == "" else value
                      for name, value in zip(INITIATIVE_COLUMNS, row, strict=True)}
            record["参加団体"] = participants.get(row[0], [])
            record[METHOD] = [value for kind, value in classifications.get(row[0], [])
                             if kind == METHOD]
            record[FIELD] = [value for kind, value in classifications.get(row[0], [])
                            if kind == FIELD]
            yield ("" if first else ",") + json.dumps(record, ensure_ascii=False)
            first = False
    yield "]}"
