from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task()
def send_email(*, subject: str, body: str, recipients: list[str], html_body: str | None = None) -> int:
    """Send one message; the task worker retries nothing by itself, so failures show in its results."""
    message = EmailMultiAlternatives(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=recipients
    )
    if html_body:
        message.attach_alternative(html_body, "text/html")
    return message.send()
