from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('collaboration', '0009_initiative_link_sets'),
        ('collaboration', '0009_municipality_initiatives_index'),
    ]

    operations = [
    ]
