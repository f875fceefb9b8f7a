from collections import Counter

from django.db import migrations

CHUNK = 2000


def count_started(apps, schema_editor):
    """Adds each counted initiative's first fiscal year and category (``started``) to the
    tally, as collaboration.facet_tally counts it when this was written."""
    initiative = apps.get_model("collaboration", "Initiative")
    tally = apps.get_model("collaboration", "FacetTally")
    counted = apps.get_model("collaboration", "FacetCounted")
    started = {pk: f"started={year}:{category}" for pk, year, category in
               initiative.objects.exclude(start_year=None).values_list(
                   "pk", "start_year", "category_id")}
    rows, counts = [], Counter()
    for row in counted.objects.filter(initiative_id__in=list(started)).iterator(CHUNK):
        keys = {line for line in row.keys.split("\n") if line}
        token = started[row.initiative_id]
        if token in keys:
            continue
        row.keys = "\n" + "\n".join(sorted(keys | {token})) + "\n"
        rows.append(row)
        counts[(row.published, token)] += 1
    counted.objects.bulk_update(rows, ["keys"], batch_size=CHUNK)
    tally.objects.bulk_create(
        [tally(published=published, facet="started", key=token.split("=", 1)[1], initiatives=n)
         for (published, token), n in sorted(counts.items())], batch_size=CHUNK)


class Migration(migrations.Migration):

    dependencies = [
        ("collaboration", "0012_facet_tally"),
    ]

    operations = [
        migrations.RunPython(count_started, migrations.RunPython.noop),
    ]
