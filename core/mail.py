"""Mail leaves only after the database transaction that caused it has committed, through a task."""

from collections.abc import Sequence

from django.db import transaction
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string

from core.tasks import send_email


def send_templated_mail_on_commit(
    *, template: str, context: dict, recipients: Sequence[str], subject: str
) -> None:
    """Render `<template>.txt` now (so the mail reflects this moment) and queue it for after commit.

    Side effects: enqueues one `send_email` task when the surrounding transaction commits; nothing if
    it rolls back.
    """
    body = render_to_string(f"{template}.txt", context)
    try:
        html_body: str | None = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:  # an HTML part is optional
        html_body = None
    send_mail_on_commit(subject=subject, body=body, recipients=recipients, html_body=html_body)


def send_mail_on_commit(
    *, subject: str, body: str, recipients: Sequence[str], html_body: str | None = None
) -> None:
    """Queue an already rendered message for after commit (nothing is sent if the transaction rolls back)."""
    transaction.on_commit(
        lambda: send_email.enqueue(
            subject=subject, body=body, recipients=list(recipients), html_body=html_body
        )
    )
