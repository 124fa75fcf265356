"""The review queue's order, whole and within one status or one program (benchmarks/README.md, issue 7).

Each index is the queue's order (`priority_rank, submitted_at, id`), led by nothing, by the status or by
the program, and then holds the other columns the queue's filters and the visibility scopes test (status,
program; the id is there already): PostgreSQL reads a page in order and stops after 25 rows, at any depth
of keyset pages (`?cursor=`), and filters by an index-only scan, without visiting the rows it skips. The
first replaces 0003's grants_application_queue_idx, which lacked the status and program.
"""

from django.db import migrations, models

QUEUE_0003 = "CREATE INDEX IF NOT EXISTS grants_application_queue_idx ON grants_application (priority_rank, submitted_at, id)"


class Migration(migrations.Migration):
    dependencies = [("grants", "0003_scale_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["priority_rank", "submitted_at", "id", "status", "program"],
                name="application_queue_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["status", "priority_rank", "submitted_at", "id", "program"],
                name="application_status_queue_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["program", "priority_rank", "submitted_at", "id", "status"],
                name="application_program_queue_idx",
            ),
        ),
        migrations.RunSQL("DROP INDEX IF EXISTS grants_application_queue_idx", QUEUE_0003, elidable=False),
    ]
