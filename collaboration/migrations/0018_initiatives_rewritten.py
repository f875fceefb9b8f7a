"""Rewrites the initiatives' table without the dropped grams column (PostgreSQL keeps a dropped
column's values in every row until the row is written again), with fresh statistics."""

from django.db import migrations


def rewrite(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("VACUUM (FULL, ANALYZE) collaboration_initiative")


class Migration(migrations.Migration):
    atomic = False  # VACUUM runs outside a transaction

    dependencies = [
        ("collaboration", "0017_grams_computed_by_the_index"),
    ]

    operations = [
        migrations.RunPython(rewrite, migrations.RunPython.noop),
    ]
