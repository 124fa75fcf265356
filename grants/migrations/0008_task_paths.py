"""The grants tasks moved with their areas (issue 15): grants.tasks.* became grants.applications.tasks.*
and grants.awards.tasks.*. A task queued before the upgrade names the old path, which no longer imports:
point every task still waiting to run at its new path (finished results keep the path they ran under)."""

from django.db import migrations

MOVED = {
    "grants.tasks.generate_decision_letter": "grants.applications.tasks.generate_decision_letter",
    "grants.tasks.expire_awards": "grants.awards.tasks.expire_awards",
    "grants.tasks.send_outcome_follow_ups": "grants.awards.tasks.send_outcome_follow_ups",
}


def _repoint(apps, mapping):  # type: ignore[no-untyped-def]
    result = apps.get_model("django_tasks_database", "DBTaskResult")
    for old, new in mapping.items():
        result.objects.filter(task_path=old, status="READY").update(task_path=new)


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _repoint(apps, MOVED)


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    _repoint(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0007_payment_batch_events"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
