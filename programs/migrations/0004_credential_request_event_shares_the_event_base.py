from django.db import migrations, models
from django.db.models import F


def name_past_moves(apps, schema_editor):  # type: ignore[no-untyped-def]
    """A move recorded before events had an action is named by the status it reached, as transition()
    names a move it is given no other name for."""
    event = apps.get_model("programs", "CredentialRequestEvent")
    event.objects.filter(action="").update(action=F("to_status"))


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_program_event_actor_no_reverse_name"),
    ]

    operations = [
        migrations.AddField(
            model_name="credentialrequestevent",
            name="action",
            field=models.CharField(default="", max_length=40),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="credentialrequestevent",
            name="payload",
            field=models.JSONField(blank=True, default=dict),
        ),
        migrations.AlterField(
            model_name="credentialrequestevent",
            name="to_status",
            field=models.CharField(blank=True, max_length=10),
        ),
        migrations.RunPython(name_past_moves, migrations.RunPython.noop),
    ]
