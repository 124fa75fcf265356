"""Background work of applications (the Django Tasks API; docs/deployment.md)."""

from django_tasks import task

from grants.applications.letters import letter_generate


@task()
def generate_decision_letter(*, application_id: int) -> int:
    """Render and store the decision letter of a decided application (idempotent per decision)."""
    return letter_generate(application_id=application_id)
