from django_tasks import task


@task()
def run_export(*, job_id: int) -> str:
    """Write an export job's file in chunks, with progress; the job ends done or failed, never running."""
    from reporting.exports import export_job_run

    return export_job_run(job_id)


@task()
def sweep_exports() -> int:
    """Mark failed the export jobs left queued or running past EXPORT_STALE_MINUTES; returns how many."""
    from reporting.exports import export_jobs_sweep

    return len(export_jobs_sweep())


@task()
def refresh_report_summaries() -> int:
    """Rebuild the report summary tables (reporting.refresh); returns the new run's id."""
    from reporting.refresh import refresh_summaries

    return refresh_summaries().pk
