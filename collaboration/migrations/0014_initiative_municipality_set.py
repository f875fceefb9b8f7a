from collections import defaultdict

from django.db import migrations, models

CHUNK = 900


def fill_municipality_sets(apps, schema_editor):
    # The value collaboration.services.link_sets keeps: ",1,3," for municipalities 1 and 3.
    Initiative = apps.get_model("collaboration", "Initiative")
    found = defaultdict(set)
    for initiative_id, municipality_id in Initiative.municipalities.through.objects.values_list(
            "initiative_id", "municipality_id"):
        found[initiative_id].add(municipality_id)
    by_value = defaultdict(list)
    for initiative_id, ids in found.items():
        by_value[f",{','.join(map(str, sorted(ids)))},"].append(initiative_id)
    for value, ids in by_value.items():
        for start in range(0, len(ids), CHUNK):
            Initiative.objects.filter(pk__in=ids[start:start + CHUNK]).update(
                municipality_set=value)


class Migration(migrations.Migration):

    dependencies = [
        ("collaboration", "0013_facet_tally_started"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="municipality_set",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(fill_municipality_sets, migrations.RunPython.noop),
    ]
