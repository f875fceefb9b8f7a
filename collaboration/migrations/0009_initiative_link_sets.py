from collections import defaultdict

from django.db import migrations, models

CHUNK = 900
# Column → (the link field, the id it holds): the sets collaboration.services.link_sets keeps.
SETS = {
    "region_set": ("municipalities", "municipality__region_id"),
    "method_set": ("methods", "method_id"),
    "field_set": ("policy_fields", "policyfield_id"),
}


def fill_link_sets(apps, schema_editor):
    # The same values the services keep: ",1,3," for 1 and 3.
    Initiative = apps.get_model("collaboration", "Initiative")
    for column, (link, target) in SETS.items():
        found = defaultdict(set)
        for initiative_id, target_id in getattr(Initiative, link).through.objects.values_list(
                "initiative_id", target).distinct():
            found[initiative_id].add(target_id)
        by_value = defaultdict(list)
        for initiative_id, ids in found.items():
            by_value[f",{','.join(map(str, sorted(ids)))},"].append(initiative_id)
        for value, ids in by_value.items():
            for start in range(0, len(ids), CHUNK):
                Initiative.objects.filter(pk__in=ids[start:start + CHUNK]).update(
                    **{column: value})


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
        migrations.AddField(
            model_name="initiative",
            name="method_set",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.AddField(
            model_name="initiative",
            name="field_set",
            field=models.CharField(default="", editable=False, max_length=200),
        ),
        migrations.RemoveIndex(model_name="initiative", name="initiative_facets"),
        migrations.AddIndex(
            model_name="initiative",
            index=models.Index(fields=["category", "status", "funding", "scope", "is_model",
                                       "start_year", "is_published", "region_set", "method_set",
                                       "field_set", "id"],
                               name="initiative_facet_columns"),
        ),
        # After the index: rows updated before it in the same transaction would keep it from
        # serving queries while any older transaction is open (pg_index.indcheckxmin).
        migrations.RunPython(fill_link_sets, migrations.RunPython.noop),
    ]
