"""What a completion claim must carry and how each part is checked: the completion date, the evidence
the program asks for, amounts, the wage floor, retention and the claim deadline, and an Open Badges
credential against the award. Checks add to an `errors` dict (field: messages) in the order the form
shows them; the service raises it whole."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from core.dates import add_months, check_within, parse_date
from core.money import to_amount
from core.openbadges import ExpectedAchievement, Verdict, verify_badge
from grants.date_windows import award_began_on
from grants.models import Application
from grants.permissions import is_applicant_side
from programs.models import BadgeIssuer, Program

MAX_BADGE_LENGTH = 256 * 1024
DEFAULT_EVIDENCE = ["certificate_or_badge"]


def required_evidence(program: Program) -> list[str]:
    """What a completion claim must carry, from the program (a certificate or a badge by default)."""
    return list(program.claim_evidence or DEFAULT_EVIDENCE)


def trusted_issuers_for(application: Application) -> dict[str, list[dict]]:
    """Issuers registered (and not revoked) for the credential's provider, with their public keys."""
    issuers = BadgeIssuer.objects.filter(
        provider_id=application.credential.provider_id, revoked_at__isnull=True
    )
    return {issuer.issuer_id: list(issuer.public_keys or []) for issuer in issuers}


def check_badge(application: Application, badge: str, *, now: datetime | None = None) -> Verdict:
    """Verify an Open Badges 3.0 credential against this award: issuer registered for the provider,
    signature, validity window, the applicant as recipient, and the funded credential as achievement."""
    credential = application.credential
    applicant = application.applicant
    return verify_badge(
        badge,
        trusted_issuers=trusted_issuers_for(application),
        recipient_ids={f"mailto:{applicant.email}", applicant.email},
        recipient_email=applicant.email,
        expected=ExpectedAchievement(
            ids=frozenset({credential.badge_achievement_id} - {""}), ctid=credential.ctid or ""
        ),
        now=now or timezone.now(),
    )


def badge_error(verdict: Verdict) -> ValidationError:
    failing = verdict.failing
    assert failing is not None  # noqa: S101 - called only for a verdict that failed
    return ValidationError(
        {
            "badge": _("The badge did not pass the “%(check)s” check: %(detail)s")
            % {"check": failing.name, "detail": failing.detail}
        }
    )


def is_employer_side(actor: User, application: Application) -> bool:
    """A representative of the employer that filed (the employee cannot confirm their own retention)."""
    return (
        application.employer_id is not None
        and actor.pk != application.applicant_id
        and actor.has_role(Role.EMPLOYER_REPRESENTATIVE)
        and is_applicant_side(actor, application)
    )


def _refuse(errors: dict[str, list[str]], field: str, *messages: str) -> None:
    errors.setdefault(field, []).extend(messages)


def check_completion_date(
    application: Application, completed: date, today: date, errors: dict[str, list[str]]
) -> None:
    """The completion date: not in the future, within the training's start and deadline."""
    if completed > today:
        _refuse(errors, "completed_on", _("The completion date cannot be in the future."))
    if application.training_start_date and completed < application.training_start_date:
        _refuse(errors, "completed_on", _("The training cannot end before it started."))
    if application.training_deadline and completed > application.training_deadline:
        _refuse(
            errors,
            "completed_on",
            _("The training had to be completed by %(day)s.")
            % {"day": application.training_deadline.isoformat()},
        )
    if "completed_on" not in errors:  # an award enrolled with no start on record: not before its application
        try:
            check_within(
                completed,
                field="completed_on",
                earliest=application.training_start_date or award_began_on(application),
                latest=today,
            )
        except ValidationError as error:
            _refuse(errors, "completed_on", *error.messages)


def check_evidence(
    program: Program,
    errors: dict[str, list[str]],
    *,
    certificate: UploadedFile | None,
    badge: str,
    invoice: UploadedFile | None,
    invoice_amount: Any,
    proof_of_payment: UploadedFile | None,
) -> None:
    """The evidence the program asks for is all there (and a pasted badge is not too large)."""
    evidence = required_evidence(program)
    if len(badge) > MAX_BADGE_LENGTH:
        _refuse(errors, "badge", _("The badge is too large (over 256 KB); paste the credential itself."))
    if "certificate" in evidence and certificate is None:
        _refuse(errors, "certificate", _("Upload the certificate of completion."))
    if "badge" in evidence and not badge:
        _refuse(errors, "badge", _("Paste the Open Badges credential the provider issued."))
    if "certificate_or_badge" in evidence and certificate is None and not badge:
        _refuse(errors, "certificate", _("Upload the certificate or paste the Open Badges credential."))
    if "invoice" in evidence:
        if invoice is None:
            _refuse(errors, "invoice", _("Upload the provider's invoice."))
        if invoice_amount in (None, ""):
            _refuse(errors, "invoice_amount", _("Give the amount on the invoice."))
    if "proof_of_payment" in evidence and proof_of_payment is None:
        _refuse(errors, "proof_of_payment", _("Upload proof that the invoice was paid."))


def amount_or_refuse(
    value: Any, program: Program, field: str, errors: dict[str, list[str]]
) -> Decimal | None:
    """An optional amount in the program's currency; None when not given or refused (into `errors`)."""
    if value in (None, ""):
        return None
    try:
        return to_amount(value, program.currency, field=field)
    except ValidationError as error:
        _refuse(errors, field, *error.messages)
        return None


def check_wage_floor(program: Program, wage: Decimal | None, errors: dict[str, list[str]]) -> None:
    """A program with a wage floor needs the annual pay after training, at least the floor."""
    if program.wage_floor is None:
        return
    if wage is None and "annual_wage" not in errors:
        _refuse(
            errors, "annual_wage", _("Give the annual pay after training; this program sets a wage floor.")
        )
    elif wage is not None and wage < program.wage_floor:
        _refuse(
            errors,
            "annual_wage",
            _("The program pays only when annual pay is at least %(floor)s %(currency)s.")
            % {"floor": f"{program.wage_floor:,.2f}", "currency": program.currency},
        )


def check_retention(
    actor: User,
    application: Application,
    completed: date,
    employed_through: Any,
    today: date,
    errors: dict[str, list[str]],
) -> tuple[date | None, date]:
    """For a program that pays on retention, the employer confirms the employee stayed long enough.
    Answers (the last day known employed, the day the claim deadline counts from)."""
    program = application.program
    if "retention" not in required_evidence(program) and not program.retention_period_months:
        return None, completed
    if not is_employer_side(actor, application):
        _refuse(
            errors, "employed_through", _("The employer confirms retention; ask them to make this claim.")
        )
        return None, completed
    if employed_through in (None, ""):
        _refuse(
            errors, "employed_through", _("Confirm the last day you know the employee was still employed.")
        )
        return None, completed
    employed_day = parse_date(employed_through, field="employed_through")
    needed = add_months(completed, program.retention_period_months or 0)
    if employed_day > today:
        _refuse(errors, "employed_through", _("This date cannot be in the future."))
    elif employed_day < needed:
        _refuse(
            errors,
            "employed_through",
            _("The employee must be retained until %(day)s before the grant can be claimed.")
            % {"day": needed.isoformat()},
        )
    return employed_day, needed


def check_claim_deadline(
    program: Program, reference_day: date, today: date, errors: dict[str, list[str]]
) -> None:
    """A program with a claim deadline takes claims only within its weeks of completion (or retention)."""
    if program.claim_deadline_weeks and "completed_on" not in errors:
        due = reference_day + timedelta(weeks=program.claim_deadline_weeks)
        if today > due:
            _refuse(
                errors,
                "completed_on",
                _("Claims are due within %(weeks)s weeks; this one was due by %(day)s.")
                % {"weeks": program.claim_deadline_weeks, "day": due.isoformat()},
            )


def check_badge_or_refuse(application: Application, badge: str) -> Verdict | None:
    """The verdict on a pasted badge (None without one); a badge that fails a check is refused."""
    verdict = check_badge(application, badge) if badge else None
    if verdict is not None and not verdict.verified:
        raise badge_error(verdict)
    return verdict
