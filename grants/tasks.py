from django_tasks import task


@task()
def generate_decision_letter(*, application_id: int) -> int:
    """Render and store the decision letter of a decided application (idempotent per decision)."""
    from grants.letters import letter_generate

    return letter_generate(application_id=application_id)
