from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS initiative_search_grams
    ON collaboration_initiative USING gin (string_to_array(search_grams, ' '));
"""
DROP = "DROP INDEX IF EXISTS initiative_search_grams;"


def create_index(apps, schema_editor):
    # Serves searches of any length, two-character words included (see collaboration/search.py).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("collaboration", "0001_initial")]
    operations = [migrations.RunPython(create_index, drop_index)]
