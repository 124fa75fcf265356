"""Applications and their review: the application, its create keys, events, documents and information
requests; reviewer assignments, reviews, staff comments and decision letters."""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel, StatusEvent
from core.money import MoneyField
from programs.models import Credential, FundingRound, Program

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

    # The only moves an application may make; one service per move (grants/applications/services.py).
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


class ApplicationEvent(StatusEvent):
    """Every move and every notable action on an application, written in the same transaction."""

    class Visibility(models.TextChoices):
        APPLICANT = "applicant", _("Applicant and staff")
        STAFF = "staff", _("Staff only")

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    # An application's statuses are longer than the other records'.
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24, blank=True)
    visibility = models.CharField(max_length=10, choices=Visibility.choices, default=Visibility.APPLICANT)

    class Meta(StatusEvent.Meta):
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
