from collections import defaultdict

from django.db import migrations, models

CHUNK = 900


def fill_region_sets(apps, schema_editor):
    # The same value collaboration.services.participation keeps: ",1,3," for regions 1 and 3.
    Initiative = apps.get_model("collaboration", "Initiative")
    regions = defaultdict(set)
    for initiative_id, region_id in Initiative.municipalities.through.objects.values_list(
            "initiative_id", "municipality__region_id").distinct():
        regions[initiative_id].add(region_id)
    by_value = defaultdict(list)
    for initiative_id, ids in regions.items():
        by_value[f",{','.join(map(str, sorted(ids)))},"].append(initiative_id)
    for value, ids in by_value.items():
        for start in range(0, len(ids), CHUNK):
            Initiative.objects.filter(pk__in=ids[start:start + CHUNK]).update(region_set=value)


class Migration(migrations.Migration):

    dependencies = [
        ("collaboration", "0008_merge_facets_strong_terms"),
    ]

    operations = [
        migrations.AddField(
            model_name="initiative",
            name="region_set",
            field=models.CharField(default="", editable=False, max_length=100),
        ),
        migrations.RemoveIndex(model_name="initiative", name="initiative_facets"),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(fields=["category", "status", "funding", "scope", "is_model",
                                       "start_year", "is_published", "region_set", "id"],
                               name="initiative_facet_columns"),
        ),
        # After the index: rows updated before it in the same transaction would keep it from
        # serving queries while any older transaction is open (pg_index.indcheckxmin).
        migrations.RunPython(fill_region_sets, migrations.RunPython.noop),
    ]
