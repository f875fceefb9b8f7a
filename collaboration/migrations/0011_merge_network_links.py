from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('collaboration', '0009_network_links'),
        ('collaboration', '0010_merge_link_sets_municipality_index'),
    ]

    operations = [
    ]
