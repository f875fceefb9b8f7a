import re
import uuid

from django.db import migrations, models


def date_existing_answers(apps, schema_editor):
    """Answers saved before questions carried versions count as changed at the latest one."""
    SurveyResponse = apps.get_model("surveys", "SurveyResponse")
    for response in SurveyResponse.objects.exclude(answers={}).iterator():
        keys = {match.group(1) for name in response.answers
                if (match := re.match(r"(q\d+)", name))}
        response.question_meta = {key: {"version": response.version} for key in keys}
        response.save(update_fields=["question_meta"])


def new_tokens(apps, schema_editor):
    ReminderDelivery = apps.get_model("surveys", "ReminderDelivery")
    for delivery in ReminderDelivery.objects.filter(sent_at=None).iterator():
        delivery.token = uuid.uuid4()
        delivery.save(update_fields=["token"])


class Migration(migrations.Migration):

    dependencies = [
        ('surveys', '0002_theme_sources'),
    ]

    operations = [
        migrations.AddField(
            model_name='reminderdelivery',
            name='token',
            field=models.UUIDField(default=uuid.uuid4),
        ),
        migrations.AddField(
            model_name='surveyresponse',
            name='question_meta',
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.RunPython(date_existing_answers, migrations.RunPython.noop),
        migrations.RunPython(new_tokens, migrations.RunPython.noop),
    ]
