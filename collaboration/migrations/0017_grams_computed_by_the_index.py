"""The search grams are computed by the GIN index from the search text (``collaboration_grams``)
instead of kept in a column: they were more than half of each initiative's row, and a search
reads the rows it finds to count their facets (half the table's pages for a common word)."""

from django.db import migrations

import collaboration.search
from collaboration.search import GRAMS_FUNCTION, GRAMS_FUNCTION_SQL

OLD_INDEX = ("CREATE INDEX IF NOT EXISTS initiative_search_grams ON collaboration_initiative "
             "USING gin (string_to_array(search_grams, ' '))")
NEW_INDEX = ("CREATE INDEX IF NOT EXISTS initiative_search_grams ON collaboration_initiative "
             f"USING gin ({GRAMS_FUNCTION}(search_text))")
DROP_INDEX = "DROP INDEX IF EXISTS initiative_search_grams"


def index_the_text(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(GRAMS_FUNCTION_SQL)
        schema_editor.execute(DROP_INDEX)
        schema_editor.execute(NEW_INDEX)


def index_the_column(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_INDEX)
        schema_editor.execute("UPDATE collaboration_initiative SET search_grams = "
                              f"array_to_string({GRAMS_FUNCTION}(search_text), ' ')")
        schema_editor.execute(OLD_INDEX)
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {GRAMS_FUNCTION}(text)")


class Migration(migrations.Migration):

    dependencies = [
        ("collaboration", "0016_need_lists"),
    ]

    operations = [
        migrations.AlterField(
            model_name="initiative",
            name="search_text",
            field=collaboration.search.SearchTextField(default="", editable=False),
        ),
        migrations.RunPython(index_the_text, index_the_column),
        migrations.RemoveField(
            model_name="initiative",
            name="search_grams",
        ),
    ]
