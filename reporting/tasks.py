from django_tasks import task


@task()
def run_export(*, job_id: int) -> str:
    """Write an export job's file in chunks, with progress; the job ends done or failed, never running."""
    from reporting.exports import export_job_run

    return export_job_run(job_id)
