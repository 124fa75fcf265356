from django_tasks import task


@task()
def generate_decision_letter(*, application_id: int) -> int:
    """Render and store the decision letter of a decided application (idempotent per decision)."""
    from grants.letters import letter_generate

    return letter_generate(application_id=application_id)


@task()
def expire_awards() -> int:
    """Daily: expire awards past their training deadline and release their money."""
    from grants.services_awards import awards_expire_due

    return awards_expire_due()


@task()
def send_outcome_follow_ups() -> int:
    """Daily: ask the workers whose 2nd- or 4th-quarter follow-up is due."""
    from grants.services_outcomes import outcome_follow_ups_send

    return outcome_follow_ups_send()
