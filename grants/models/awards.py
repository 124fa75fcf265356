"""After approval: the completion claim and its evidence, and the outcomes followed up after completion."""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.money import MoneyField
from grants.models.applications import Application, ApplicationDocument

# ---------------------------------------------------------------- completion claims (issue 5)


class CompletionClaim(models.Model):
    """The applicant's claim that the training was completed, with its evidence; staff verify or reject it.

    A badge is verified when the claim is made and again when staff verify it; each time the result of every
    check is kept (`badge_checks`), so staff see why a badge passed or failed.
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for verification")
        VERIFIED = "verified", _("Verified")
        REJECTED = "rejected", _("Not accepted")

    class Evidence(models.TextChoices):
        CERTIFICATE = "certificate", _("Certificate of completion (PDF or image)")
        BADGE = "badge", _("Open Badges 3.0 credential")
        CERTIFICATE_OR_BADGE = "certificate_or_badge", _("A certificate or an Open Badges credential")
        INVOICE = "invoice", _("The provider's invoice")
        PROOF_OF_PAYMENT = "proof_of_payment", _("Proof that the invoice was paid")
        RETENTION = "retention", _("The employer's confirmation that the employee is still employed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.SUBMITTED: {Status.VERIFIED, Status.REJECTED},
        Status.VERIFIED: set(),
        Status.REJECTED: set(),
    }
    # A claim's decision is recorded on its application's events, which the services write themselves.
    WORKFLOW_EVENT = None
    TRANSITION_REFUSED = _("This claim has already been decided.")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="claims")
    claimed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    completed_on = models.DateField()
    certificate = models.ForeignKey(
        ApplicationDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(
        ApplicationDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proof_of_payment = models.ForeignKey(
        ApplicationDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice_amount = MoneyField(null=True, blank=True, help_text=_("What the provider charged."))
    badge = models.TextField(
        blank=True, help_text=_("The Open Badges 3.0 credential as given (JSON or JWT).")
    )
    badge_verified = models.BooleanField(null=True, blank=True)
    badge_checks = models.JSONField(default=dict, blank=True)
    annual_wage = MoneyField(null=True, blank=True, help_text=_("Annual pay after training, where asked."))
    employed_through = models.DateField(
        null=True, blank=True, help_text=_("Retention grants: the employee is still employed on this day.")
    )
    retention_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"], condition=Q(status="submitted"), name="one_open_claim_per_application"
            ),
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status="verified"),
                name="one_verified_claim_per_application",
            ),
        ]

    def __str__(self) -> str:
        return f"Claim {self.pk} on {self.application_id}"


# ---------------------------------------------------------------- outcomes (issue 5)


class Outcome(models.Model):
    """What happened after the training: employment and pay, with where the answer came from."""

    class Source(models.TextChoices):
        SELF_REPORTED = "self_reported", _("Reported by the worker")
        EMPLOYER_REPORTED = "employer_reported", _("Reported by the employer")
        VERIFIED = "verified", _("Verified by staff")

    class EmploymentStatus(models.TextChoices):
        EMPLOYED = "employed", _("Employed")
        SELF_EMPLOYED = "self_employed", _("Self-employed")
        UNEMPLOYED = "unemployed", _("Not working, looking for work")
        IN_EDUCATION = "in_education", _("In education or training")
        NOT_WORKING = "not_working", _("Not working, not looking")

    EMPLOYED: ClassVar[set[str]] = {EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED}

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="outcomes")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="outcomes")
    source = models.CharField(max_length=20, choices=Source.choices)
    quarter_after_completion = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("2 or 4 for the follow-ups; empty for a hire reported by an employer."),
    )
    employment_status = models.CharField(max_length=16, choices=EmploymentStatus.choices)
    employer_name = models.CharField(max_length=200, blank=True)
    occupation_code = models.CharField(max_length=10, blank=True)
    annual_wage = MoneyField(null=True, blank=True)
    observed_on = models.DateField()
    hire = models.ForeignKey(
        "employers.Hire", on_delete=models.PROTECT, null=True, blank=True, related_name="outcomes"
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-observed_on", "-id"]
        indexes = [models.Index(fields=["application", "quarter_after_completion"])]

    def __str__(self) -> str:
        return f"Outcome {self.pk} of {self.application_id}"


class OutcomeFollowUp(models.Model):
    """A question to the worker in the 2nd and 4th quarter after completion (WIOA's indicators)."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="follow_ups")
    quarter_after_completion = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    outcome = models.OneToOneField(
        Outcome, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up"
    )

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "quarter_after_completion"], name="one_follow_up_per_quarter"
            )
        ]

    def __str__(self) -> str:
        return f"Q{self.quarter_after_completion} follow-up of {self.application_id}"
