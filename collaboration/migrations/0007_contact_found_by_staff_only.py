"""Moves each initiative's contact person to the end of its search text, after the mark that
only signed-in searches look past (collaboration.search.PRIVATE_MARK)."""

from django.db import migrations

from collaboration.search import PRIVATE_MARK, normalize


def move_contacts(apps, schema_editor):
    Initiative = apps.get_model("collaboration", "Initiative")
    changed = []
    for initiative in Initiative.objects.exclude(contact="").only("pk", "contact",
                                                                   "search_text").iterator():
        hidden = normalize(initiative.contact)
        text = initiative.search_text
        if not hidden or PRIVATE_MARK in text:
            continue
        before, found, after = text.rpartition(hidden)
        if found:
            text = " ".join(part for part in (before.strip(), after.strip()) if part)
        initiative.search_text = f"{text}{PRIVATE_MARK}{hidden}"
        changed.append(initiative)
    Initiative.objects.bulk_update(changed, ["search_text"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("collaboration", "0006_similarity_strong_terms"),
    ]

    operations = [
        migrations.RunPython(move_contacts, migrations.RunPython.noop),
    ]
