from django.db import migrations

# A municipality's initiatives (its page, the catalogue filtered by it) read from the index
# alone, without a visit to each row of the link table.
CREATE = ("CREATE INDEX IF NOT EXISTS initiative_municipalities_by_municipality "
          "ON collaboration_initiative_municipalities (municipality_id, initiative_id)")
DROP = "DROP INDEX IF EXISTS initiative_municipalities_by_municipality"


class Migration(migrations.Migration):

    dependencies = [
        ("collaboration", "0008_merge_facets_strong_terms"),
    ]

    operations = [
        migrations.RunSQL(CREATE, DROP),
    ]
