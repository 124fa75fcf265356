"""Grant applications and their review: profiles, applications, events, documents, reviews, letters."""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.demographics import INCOME_BAND_CHOICES
from core.models import AppendOnlyModel
from core.money import MoneyField
from programs.models import Credential, FundingRound, Program
from programs.rules import EMPLOYMENT_STATUSES

# ---------------------------------------------------------------- people


class WorkerProfile(models.Model):
    """What eligibility rules ask about a worker. Demographics live apart (Demographics), so that the
    people who review applications never load them."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="worker_profile"
    )
    region = models.CharField(max_length=60, blank=True)
    address = models.TextField(blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    employment_status = models.CharField(
        max_length=24,
        blank=True,
        choices=[(key, label.capitalize()) for key, label in EMPLOYMENT_STATUSES.items()],
    )
    household_income_band = models.CharField(max_length=20, blank=True, choices=INCOME_BAND_CHOICES)
    # Priority of service (e.g. WIOA's veterans first): asked openly as a claim to priority, apart from the
    # voluntary demographics, so the people who order the queue learn only what the worker chose to claim.
    priority_veteran = models.BooleanField(
        default=False, help_text=_("Claims priority of service as a veteran or a veteran's eligible spouse.")
    )
    priority_disability = models.BooleanField(
        default=False, help_text=_("Claims priority of service as a person with a disability.")
    )
    contact_by_employers = models.BooleanField(
        default=False, help_text=_("Employers with matching roles may contact me.")
    )
    contact_consent_changed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user_id}"


class Demographics(models.Model):
    """Voluntary, self-identified answers (2024 OMB SPD 15 for race and ethnicity); used only in
    aggregate reports with small-cell suppression. Never shown to reviewers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="demographics"
    )
    race_ethnicity = models.JSONField(default=list, blank=True)
    sex = models.CharField(max_length=20, blank=True)
    veteran = models.CharField(max_length=20, blank=True)
    disability = models.CharField(max_length=20, blank=True)
    # The one SPD 15 reporting group the answers roll up to (core.demographics.reporting_group), kept
    # beside them so equity reports group in the database.
    race_group = models.CharField(max_length=32, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Demographics of {self.user_id}"


# ---------------------------------------------------------------- applications


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        IN_REVIEW = "in_review", _("In review")
        MORE_INFO_REQUESTED = "more_info_requested", _("More information requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Not approved")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        ENROLLED = "enrolled", _("Enrolled in training")
        COMPLETION_CLAIMED = "completion_claimed", _("Completion claimed")
        COMPLETION_VERIFIED = "completion_verified", _("Completion verified")
        PAYMENT_SCHEDULED = "payment_scheduled", _("Payment scheduled")
        PAID = "paid", _("Paid")
        EXPIRED = "expired", _("Expired")
        CANCELLED = "cancelled", _("Cancelled")
        CLAWED_BACK = "clawed_back", _("Clawed back")

    # The only moves an application may make; one service per move (grants/services.py).
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.IN_REVIEW, Status.WITHDRAWN},
        Status.IN_REVIEW: {Status.MORE_INFO_REQUESTED, Status.APPROVED, Status.REJECTED, Status.WITHDRAWN},
        Status.MORE_INFO_REQUESTED: {Status.IN_REVIEW, Status.WITHDRAWN},
        Status.APPROVED: {Status.ENROLLED, Status.EXPIRED, Status.CANCELLED},
        Status.REJECTED: set(),
        Status.WITHDRAWN: set(),
        Status.ENROLLED: {Status.COMPLETION_CLAIMED, Status.EXPIRED, Status.CANCELLED},
        # A claim that staff reject returns the award to "enrolled", to be claimed again with better evidence.
        Status.COMPLETION_CLAIMED: {Status.COMPLETION_VERIFIED, Status.ENROLLED, Status.CANCELLED},
        Status.COMPLETION_VERIFIED: {Status.PAYMENT_SCHEDULED, Status.CANCELLED},
        # A failed payment stays scheduled until it is retried and paid. No cancelling here: a payment is
        # on its way, and its money must stay committed until the finance system answers.
        Status.PAYMENT_SCHEDULED: {Status.PAID},
        Status.PAID: {Status.CLAWED_BACK},
        Status.EXPIRED: set(),
        Status.CANCELLED: set(),
        Status.CLAWED_BACK: set(),
    }
    # Each move through core.workflow.transition, recorded as an ApplicationEvent.
    WORKFLOW_EVENT = ("grants.ApplicationEvent", "application")
    TRANSITION_REFUSED = _("An application that is “%(from)s” cannot become “%(to)s”.")
    UNDECIDED: ClassVar[set[str]] = {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.MORE_INFO_REQUESTED,
    }
    # Awards that count against caps and against funding the same credential twice.
    ACTIVE_AWARD: ClassVar[set[str]] = {
        Status.APPROVED,
        Status.ENROLLED,
        Status.COMPLETION_CLAIMED,
        Status.COMPLETION_VERIFIED,
        Status.PAYMENT_SCHEDULED,
        Status.PAID,
    }
    # Awards whose money is still committed (not yet paid, released or expired).
    COMMITTED: ClassVar[set[str]] = {
        Status.APPROVED,
        Status.ENROLLED,
        Status.COMPLETION_CLAIMED,
        Status.COMPLETION_VERIFIED,
        Status.PAYMENT_SCHEDULED,
    }
    # Every status an award can reach after approval: finance officers see these.
    AWARDED: ClassVar[set[str]] = ACTIVE_AWARD | {Status.EXPIRED, Status.CANCELLED, Status.CLAWED_BACK}

    class RejectionReason(models.TextChoices):
        NOT_ELIGIBLE = "not_eligible", _("The applicant does not meet the eligibility rules")
        CREDENTIAL_NOT_FUNDED = "credential_not_funded", _("The program does not fund this credential")
        BUDGET_EXHAUSTED = "budget_exhausted", _("The program's budget is fully committed")
        CAP_REACHED = "cap_reached", _("A funding cap has been reached")
        DUPLICATE_FUNDING = "duplicate_funding", _("The credential is already funded")
        INCOMPLETE = "incomplete", _("The application is incomplete")
        LOW_SCORE = "low_score", _("Other applications ranked higher")
        OTHER = "other", _("Other reason (explained below)")

    reference = models.CharField(max_length=20, unique=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications"
    )
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # Set when an employer representative files for an employee: the employer is then the payee and the
    # program's employer caps apply.
    employer = models.ForeignKey(
        "employers.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="applications"
    )
    employee_linked_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the employee confirmed an application their employer filed.")
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    funding_round = models.ForeignKey(FundingRound, on_delete=models.PROTECT, related_name="applications")
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="applications")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.DRAFT, db_index=True)
    amount_requested = MoneyField()
    amount_awarded = MoneyField(null=True, blank=True)
    statement = models.TextField(blank=True, help_text=_("Why this training, and what job it leads to."))
    # Snapshots taken at submission and at decision, so the record shows what was known then.
    profile_snapshot = models.JSONField(default=dict, blank=True)
    eligibility_snapshot = models.JSONField(default=list, blank=True)
    cap_snapshot = models.JSONField(default=dict, blank=True)
    priority_group = models.CharField(max_length=20, blank=True)
    # Set at submission for reports: where the applicant lived and their age band then.
    applicant_region = models.CharField(max_length=60, blank=True)
    applicant_age_band = models.CharField(max_length=16, blank=True)
    priority_rank = models.PositiveSmallIntegerField(default=99, help_text=_("0 is served first."))
    score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    rejection_reason = models.CharField(max_length=24, choices=RejectionReason.choices, blank=True)
    decision_explanation = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # After approval: the award's life (issue 5).
    training_deadline = models.DateField(
        null=True, blank=True, help_text=_("Training must be completed by this day, or the award expires.")
    )
    enrolled_at = models.DateTimeField(null=True, blank=True)
    training_start_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    amount_paid = MoneyField(default=Decimal("0"))
    amount_clawed_back = MoneyField(default=Decimal("0"))
    closed_at = models.DateTimeField(null=True, blank=True, help_text=_("Expired, cancelled or paid."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["program", "status"]),
            models.Index(fields=["funding_round", "status"]),
            models.Index(fields=["applicant", "credential"]),
            # The review queue's order, whole and within one status or one program, then the columns its
            # filters test, so they are read from the index alone (grants/0004, benchmarks/README.md).
            models.Index(
                fields=["priority_rank", "submitted_at", "id", "status", "program"],
                name="application_queue_idx",
            ),
            models.Index(
                fields=["status", "priority_rank", "submitted_at", "id", "program"],
                name="application_status_queue_idx",
            ),
            models.Index(
                fields=["program", "priority_rank", "submitted_at", "id", "status"],
                name="application_program_queue_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_requested__gt=0), name="application_amount_requested_positive"
            ),
            models.CheckConstraint(
                condition=Q(amount_awarded__isnull=True) | Q(amount_awarded__gt=0),
                name="application_amount_awarded_positive",
            ),
            # No double funding: at most one active award per person and credential, whatever the program.
            models.UniqueConstraint(
                fields=["applicant", "credential"],
                condition=Q(
                    status__in=[
                        "approved",
                        "enrolled",
                        "completion_claimed",
                        "completion_verified",
                        "payment_scheduled",
                        "paid",
                    ]
                ),
                name="application_one_active_award_per_credential",
            ),
            models.CheckConstraint(
                condition=Q(amount_paid__gte=0)
                & (Q(amount_awarded__isnull=True, amount_paid=0) | Q(amount_paid__lte=F("amount_awarded"))),
                name="application_paid_never_above_award",
            ),
            models.CheckConstraint(
                condition=Q(amount_clawed_back__gte=0) & Q(amount_clawed_back__lte=F("amount_paid")),
                name="application_clawback_never_above_paid",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_decided(self) -> bool:
        return self.status not in self.UNDECIDED


class ApplicationCreateKey(AppendOnlyModel):
    """An `Idempotency-Key` a client sent with `POST /api/v1/applications/`, and the application that
    request created, written in the same transaction. The same key again from the same person gets that
    application back instead of a second one (a client retrying after a timeout or an ambiguous 500); the
    same key with a different request is refused."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    key = models.CharField(max_length=120)
    request_sha256 = models.CharField(max_length=64)
    application = models.ForeignKey("Application", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="one_application_per_create_key")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key} -> {self.application_id}"


class ApplicationEvent(AppendOnlyModel):
    """Every move and every notable action on an application, written in the same transaction."""

    class Visibility(models.TextChoices):
        APPLICANT = "applicant", _("Applicant and staff")
        STAFF = "staff", _("Staff only")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    reason = models.TextField(blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.APPLICANT)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"])]


class ApplicationDocument(AppendOnlyModel):
    """An uploaded file, stored privately and served only through a permission-checked view."""

    class Kind(models.TextChoices):
        EVIDENCE = "evidence", _("Supporting evidence")
        QUOTE = "quote", _("Quote or enrolment offer from the provider")
        MORE_INFO = "more_info", _("Answer to a request for information")
        CERTIFICATE = "certificate", _("Certificate of completion")
        INVOICE = "invoice", _("Provider's invoice")
        PROOF_OF_PAYMENT = "proof_of_payment", _("Proof of payment")
        OTHER = "other", _("Other")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.EVIDENCE)
    file = models.FileField(upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at", "id"]


class InformationRequest(models.Model):
    """Staff ask the applicant for more; the applicant answers once (with documents)."""

    application = models.ForeignKey(
        Application, on_delete=models.PROTECT, related_name="information_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    requested_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"Question on {self.application_id}"


# ---------------------------------------------------------------- review


class ReviewAssignment(models.Model):
    class Conflict(models.TextChoices):
        UNDECLARED = "undeclared", _("Not yet declared")
        NONE = "none", _("No conflict of interest")
        DECLARED = "declared", _("Conflict declared: recused")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)
    conflict = models.CharField(max_length=12, choices=Conflict.choices, default=Conflict.UNDECLARED)
    conflict_note = models.TextField(blank=True)
    conflict_declared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_assignment_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} reviews {self.application_id}"

    @property
    def may_review(self) -> bool:
        return self.conflict == self.Conflict.NONE


class Review(models.Model):
    class Recommendation(models.TextChoices):
        APPROVE = "approve", _("Approve")
        REJECT = "reject", _("Reject")
        MORE_INFO = "more_info", _("Ask for more information")

    # The screening checklist every reviewer completes; keys are stable, labels may change.
    CHECKLIST: ClassVar[dict[str, str]] = {
        "identity": "The applicant's identity and contact details are complete",
        "eligibility": "The eligibility answers are consistent with the documents",
        "credential": "The credential and provider match the program's list",
        "cost": "The amount requested matches the provider's published cost",
        "documents": "The required documents are attached and readable",
    }

    assignment = models.OneToOneField(ReviewAssignment, on_delete=models.PROTECT, related_name="review")
    checklist = models.JSONField(default=dict)
    scores = models.JSONField(default=dict, blank=True, help_text=_("Criterion id → score from 0 to 5."))
    weighted_score = models.DecimalField(max_digits=7, decimal_places=3, null=True, blank=True)
    recommendation = models.CharField(max_length=10, choices=Recommendation.choices)
    comments = models.TextField(blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Review {self.pk}"


class StaffComment(AppendOnlyModel):
    """A note between staff; never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="staff_comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()

    class Meta:
        ordering = ["created_at", "id"]


class DecisionLetter(AppendOnlyModel):
    """The PDF sent with a decision; generated after the decision commits, kept as sent."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="letters")
    kind = models.CharField(max_length=10)  # approval / rejection
    file = models.FileField(upload_to="letters/%Y/%m/")
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["-created_at", "-id"]


SCORE_MIN, SCORE_MAX = 0, 5
score_validators = [MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
ZERO = Decimal("0")


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


# ---------------------------------------------------------------- payments (issue 5)


class PaymentBatch(models.Model):
    """Approved payments sent together to the agency's finance system as one CSV file."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being put together")
        EXPORTED = "exported", _("Exported")
        SENT = "sent", _("Sent to the finance system")
        RECONCILED = "reconciled", _("Reconciled")
        DISCARDED = "discarded", _("Discarded before export")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.EXPORTED, Status.DISCARDED},
        Status.EXPORTED: {Status.SENT},
        Status.SENT: {Status.RECONCILED},
        Status.RECONCILED: set(),
        Status.DISCARDED: set(),
    }
    WORKFLOW_EVENT = ("grants.PaymentBatchEvent", "batch")
    TRANSITION_REFUSED = _("A payment batch that is “%(from)s” cannot become “%(to)s”.")

    reference = models.CharField(max_length=24, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    currency = models.CharField(max_length=3)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    exported_at = models.DateTimeField(null=True, blank=True)
    export_sha256 = models.CharField(max_length=64, blank=True)
    # The file exactly as exported (UTF-8 text): downloading it again gives these bytes, whatever happened
    # to the payments since (a failed one retried leaves the batch for a new one).
    export_content = models.TextField(blank=True)
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reconciled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.reference

    @property
    def is_started(self) -> bool:
        return self.status != self.Status.DRAFT


class Payment(models.Model):
    """One payment of an award to its payee. Paid at most once: the idempotency key is unique, and the
    ledger disbursement carries the key `payment:<id>:disburse`."""

    class Status(models.TextChoices):
        APPROVED = "approved", _("Approved, waiting for a batch")
        BATCHED = "batched", _("In a batch")
        SENT = "sent", _("Sent")
        PAID = "paid", _("Paid")
        FAILED = "failed", _("Failed")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.APPROVED: {Status.BATCHED},
        Status.BATCHED: {Status.SENT, Status.APPROVED},  # back to approved when a draft batch is discarded
        Status.SENT: {Status.PAID, Status.FAILED},
        Status.FAILED: {Status.APPROVED},  # retried
        Status.PAID: set(),
    }
    WORKFLOW_EVENT = ("grants.PaymentEvent", "payment")
    TRANSITION_REFUSED = _("A payment that is “%(from)s” cannot become “%(to)s”.")

    class PayeeType(models.TextChoices):
        WORKER = "worker", _("Worker")
        PROVIDER = "provider", _("Training provider")
        EMPLOYER = "employer", _("Employer")

    reference = models.CharField(max_length=24, unique=True)
    idempotency_key = models.CharField(max_length=120, unique=True)
    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="payments")
    claim = models.ForeignKey(CompletionClaim, on_delete=models.PROTECT, related_name="payments")
    batch = models.ForeignKey(
        PaymentBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="payments"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.APPROVED, db_index=True)
    amount = MoneyField()
    currency = models.CharField(max_length=3)
    payee_type = models.CharField(max_length=10, choices=PayeeType.choices)
    payee_name = models.CharField(max_length=200)
    payee_reference = models.CharField(max_length=60, help_text=_("Who the finance system pays."))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=1)
    failure_reason = models.CharField(max_length=300, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-approved_at", "-id"]
        indexes = [models.Index(fields=["status", "currency"])]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # One live payment per award: a failed one is retried, never duplicated.
            models.UniqueConstraint(fields=["application"], name="one_payment_per_award"),
        ]

    def __str__(self) -> str:
        return self.reference


class PaymentEvent(AppendOnlyModel):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class PaymentBatchEvent(AppendOnlyModel):
    """Every move of a payment batch: exported, sent, reconciled, discarded."""

    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=10, blank=True)
    to_status = models.CharField(max_length=10, blank=True)
    reason = models.TextField(blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["created_at", "id"]


class Clawback(AppendOnlyModel):
    """Money recovered after payment, with the reason; the worker sees it on their application."""

    class Reason(models.TextChoices):
        FALSE_INFORMATION = "false_information", _("False or misleading information")
        NON_COMPLETION = "non_completion", _("The training was not completed")
        NOT_RETAINED = "not_retained", _("The employee was not retained for the required period")
        OVERPAYMENT = "overpayment", _("Paid more than was due")
        DUPLICATE_FUNDING = "duplicate_funding", _("The same training was funded elsewhere")
        OTHER = "other", _("Other reason (explained)")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="clawbacks")
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="clawbacks")
    amount = MoneyField()
    reason_code = models.CharField(max_length=20, choices=Reason.choices)
    explanation = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="clawback_amount_positive")]


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
