"""Loads the reference data shipped in portal/reference/: regions, municipalities, offices."""

import csv
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from portal.models import Municipality, Organisation, Region, SubArea

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"


@dataclass
class ReferenceCounts:
    regions: int
    subareas: int
    municipalities: int
    organisations: int


def _read_csv(name: str) -> list[dict]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@transaction.atomic
def load_reference_data() -> ReferenceCounts:
    """Creates or updates the reference rows by their codes; safe to run again at any time."""
    spec = json.loads((REFERENCE_DIR / "regions.json").read_text(encoding="utf-8"))
    regions = {}
    for order, item in enumerate(spec["regions"], start=1):
        regions[item["code"]], _ = Region.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "office_name": item["office"],
                      "liaison_room_name": item["liaison_room"], "sort_order": order},
        )
    subareas = {}
    for order, item in enumerate(spec["subareas"], start=1):
        subareas[item["code"]], _ = SubArea.objects.update_or_create(
            code=item["code"],
            defaults={"name": item["name"], "region": regions[item["region"]], "sort_order": order},
        )

    tiles = {row["lg_code"]: row for row in _read_csv("tilemap.csv")}
    municipalities, moved = [], []
    for row in _read_csv("municipalities.csv"):
        tile = tiles[row["lg_code"]]
        municipality = Municipality.objects.filter(lg_code=row["lg_code"]).first() or Municipality(
            lg_code=row["lg_code"])
        municipality.name = row["name"]
        municipality.kana = row["kana"]
        municipality.kind = row["kind"]
        if municipality.pk and municipality.region_id != regions[row["region"]].pk:
            moved.append(municipality.pk)
        municipality.region = regions[row["region"]]
        municipality.subarea = subareas.get(row["subarea"]) if row["subarea"] else None
        municipality.tile_col, municipality.tile_row = int(tile["col"]), int(tile["row"])
        municipality.latitude, municipality.longitude = tile["lat"], tile["lon"]
        municipality.full_clean(validate_unique=False)
        municipality.save()
        municipalities.append(municipality)

    if moved:  # the initiatives they take part in are now (also) in another region
        from collaboration.services.link_sets import refresh_for_municipalities

        refresh_for_municipalities(moved)
    organisations = 0
    for name in spec["prefecture_departments"]:
        Organisation.objects.update_or_create(kind=Organisation.Kind.PREFECTURE, name=name)
        organisations += 1
    for region in regions.values():
        Organisation.objects.update_or_create(
            kind=Organisation.Kind.BRANCH_OFFICE, name=region.office_name,
            defaults={"region": region},
        )
        organisations += 1
    for municipality in municipalities:
        Organisation.objects.update_or_create(
            municipality=municipality,
            defaults={"kind": Organisation.Kind.MUNICIPALITY, "name": municipality.name,
                      "region": municipality.region},
        )
        organisations += 1
    return ReferenceCounts(len(regions), len(subareas), len(municipalities), organisations)


def load_portal_reference() -> str:
    """The portal's reference data, as a one-line summary."""
    counts = load_reference_data()
    return (f"Reference data: {counts.regions} regions, {counts.subareas} sub-areas, "
            f"{counts.municipalities} municipalities, {counts.organisations} organisations.")
