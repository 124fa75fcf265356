"""Indexes for lists and reports at scale (benchmarks/README.md has the measurements).

- grants_application_queue_idx (priority_rank, submitted_at, id): the review queue's default order, so a
  page (and a keyset page, `?cursor=`) reads 25 index entries instead of sorting every application.
- grants_application_wait_idx, PostgreSQL only: the time to decision (decided_at - submitted_at) in order,
  covering the columns its filters read, so the median and 90th percentile of reporting.figures are an
  index-only scan up to the rank instead of a sort of every decided application.

Written as SQL rather than in Application.Meta (owned elsewhere), so the model state, and so
`makemigrations --check`, is unchanged; the reverse drops them.
"""

from typing import Any

from django.db import migrations

QUEUE = "CREATE INDEX IF NOT EXISTS grants_application_queue_idx ON grants_application (priority_rank, submitted_at, id)"
WAIT = (
    "CREATE INDEX IF NOT EXISTS grants_application_wait_idx ON grants_application ((decided_at - submitted_at)) "
    "INCLUDE (decided_at, submitted_at, status, program_id) "
    "WHERE decided_at IS NOT NULL AND submitted_at IS NOT NULL"
)


def create(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute(QUEUE)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WAIT)


def drop(apps: Any, schema_editor: Any) -> None:
    schema_editor.execute("DROP INDEX IF EXISTS grants_application_queue_idx")
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS grants_application_wait_idx")


class Migration(migrations.Migration):
    dependencies = [("grants", "0002_awards_payments_outcomes_employer_filing")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
