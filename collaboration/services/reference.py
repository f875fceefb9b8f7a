"""The policy's framework (axes, categories, methods) and the policy fields, as data."""

import json
from pathlib import Path

from django.db import transaction

from collaboration.models import Axis, Category, Method, PolicyField

REFERENCE_DIR = Path(__file__).resolve().parent.parent / "reference"
CIRCLED = "①②③④⑤⑥⑦⑧⑨"


def category_label(code: str) -> str:
    """I-1 → I-①, as the policy writes it."""
    axis, number = code.split("-")
    return f"{axis}-{CIRCLED[int(number) - 1]}"


@transaction.atomic
def load_framework() -> str:
    """Creates or updates the framework by its codes and names; safe to run again."""
    framework = json.loads((REFERENCE_DIR / "framework.json").read_text(encoding="utf-8"))
    methods = {}
    for order, name in enumerate(framework["methods"], start=1):
        methods[name], _ = Method.objects.update_or_create(name=name,
                                                           defaults={"sort_order": order})
    categories = 0
    for axis_order, item in enumerate(framework["axes"], start=1):
        axis, _ = Axis.objects.update_or_create(
            code=item["code"], defaults={"name": item["name"], "sort_order": axis_order})
        for category_item in item["categories"]:
            categories += 1
            category, _ = Category.objects.update_or_create(
                code=category_item["code"],
                defaults={"label": category_label(category_item["code"]), "axis": axis,
                          "name": category_item["name"], "sort_order": categories})
            category.main_methods.set([methods[name] for name in category_item["methods"]])
    fields = json.loads((REFERENCE_DIR / "policy_fields.json").read_text(encoding="utf-8"))
    for order, name in enumerate(fields["fields"], start=1):
        PolicyField.objects.update_or_create(name=name, defaults={"sort_order": order})
    return (f"Framework: {Axis.objects.count()} axes, {categories} categories, "
            f"{len(methods)} methods, {PolicyField.objects.count()} policy fields.")


def policy_examples() -> list[dict]:
    """The examples the policy's table names, each with its category code and methods."""
    framework = json.loads((REFERENCE_DIR / "framework.json").read_text(encoding="utf-8"))
    return [
        {**example, "category": category["code"]}
        for axis in framework["axes"]
        for category in axis["categories"]
        for example in category["examples"]
    ]
