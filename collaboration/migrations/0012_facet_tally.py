from collections import Counter

import django.db.models.deletion
from django.db import migrations, models

CHUNK = 2000


def count_facets(apps, schema_editor):
    """The tally of the initiatives already stored, as collaboration.facet_tally.rebuild
    counts it when this was written."""
    initiative = apps.get_model("collaboration", "Initiative")
    tally = apps.get_model("collaboration", "FacetTally")
    counted = apps.get_model("collaboration", "FacetCounted")
    municipality = apps.get_model("portal", "Municipality")
    found = {}
    for pk, published, category, status, funding, scope, is_model, year in \
            initiative.objects.order_by().values_list(
                "pk", "is_published", "category_id", "status", "funding", "scope", "is_model",
                "start_year"):
        tokens = {"total=", f"category={category}", f"status={status}", f"funding={funding}",
                  f"scope={scope}", f"model={'true' if is_model else 'false'}"}
        if year is not None:
            tokens.add(f"year={year}")
        found[pk] = (published, tokens)
    region_of = dict(municipality.objects.values_list("pk", "region_id"))
    for facet, link, column in (("municipality", "municipalities", "municipality_id"),
                                ("method", "methods", "method_id"),
                                ("field", "policy_fields", "policyfield_id")):
        through = getattr(initiative, link).through
        for initiative_id, linked in through.objects.order_by().values_list(
                "initiative_id", column):
            found[initiative_id][1].add(f"{facet}={linked}")
            if facet == "municipality":
                found[initiative_id][1].add(f"region={region_of[linked]}")
    counts = Counter()
    for published, tokens in found.values():
        counts.update((published, token) for token in tokens)
    tally.objects.bulk_create(
        [tally(published=published, facet=token.split("=", 1)[0], key=token.split("=", 1)[1],
               initiatives=n) for (published, token), n in sorted(counts.items())],
        batch_size=CHUNK)
    counted.objects.bulk_create(
        [counted(initiative_id=pk, published=published,
                 keys="\n" + "\n".join(sorted(tokens)) + "\n")
         for pk, (published, tokens) in found.items()], batch_size=CHUNK)


class Migration(migrations.Migration):

    dependencies = [
        ('collaboration', '0011_merge_network_links'),
    ]

    operations = [
        migrations.CreateModel(
            name='FacetCounted',
            fields=[
                ('initiative', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='collaboration.initiative')),
                ('published', models.BooleanField()),
                ('keys', models.TextField()),
            ],
        ),
        migrations.CreateModel(
            name='FacetTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('published', models.BooleanField()),
                ('facet', models.CharField(max_length=20)),
                ('key', models.CharField(max_length=40)),
                ('initiatives', models.PositiveIntegerField(default=0)),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('published', 'facet', 'key'), name='facet_tally_once')],
            },
        ),
        migrations.RunPython(count_facets, migrations.RunPython.noop),
    ]
