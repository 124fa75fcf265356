"""Programs, rounds, rules, the credential catalog and the budget ledger."""

from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import AppendOnlyModel, StatusEvent
from core.money import CURRENCY_CHOICES, MoneyField

onet_soc_validator = RegexValidator(
    r"^\d{2}-\d{4}\.\d{2}$", _("Use the O*NET-SOC form NN-NNNN.NN, for example 15-1212.00.")
)
ctid_validator = RegexValidator(
    r"^ce-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
    _("A Credential Engine CTID is “ce-” followed by a lower-case UUID, e.g. ce-0a1b2c3d-4e5f-…"),
)
program_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,30}$", _("Use 2 to 31 capital letters, digits and dashes, e.g. TECHCRED-26.")
)


# ---------------------------------------------------------------- programs


class Program(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")
        ARCHIVED = "archived", _("Archived")

    # The only moves a program's status may make; services.program_transition enforces it.
    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.OPEN, Status.ARCHIVED},
        Status.OPEN: {Status.CLOSED},
        Status.CLOSED: {Status.OPEN, Status.ARCHIVED},
        Status.ARCHIVED: set(),
    }
    WORKFLOW_EVENT = ("programs.ProgramEvent", "program")

    class PaymentModel(models.TextChoices):
        REIMBURSEMENT = "reimbursement", _("Reimbursement to the employer after completion")
        UPFRONT_TO_PROVIDER = "upfront_to_provider", _("Paid to the training provider before the course")
        VOUCHER = "voucher", _("Voucher or training account for the worker")
        RETENTION_GRANT = "retention_grant", _("Retention grant to the employer")

    class ApplicantType(models.TextChoices):
        WORKER = "worker", _("Workers apply for themselves")
        EMPLOYER = "employer", _("Employers apply on behalf of employees")

    class SelectionMethod(models.TextChoices):
        FIRST_COME = "first_come", _("First come, first served")
        SCORED = "scored", _("Scored and ranked")

    class PriorityGroup(models.TextChoices):
        VETERAN = "veteran", _("Veterans and eligible spouses")
        LOW_INCOME = "low_income", _("People on low incomes")
        DISABILITY = "disability", _("People with a disability")
        UNEMPLOYED = "unemployed", _("People out of work")

    code = models.CharField(max_length=31, unique=True, validators=[program_code_validator])
    name = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, help_text=_("One sentence shown in lists."))
    description = models.TextField(blank=True)
    funding_agency = models.CharField(max_length=200)
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    payment_model = models.CharField(max_length=24, choices=PaymentModel.choices)
    applicant_type = models.CharField(
        max_length=10, choices=ApplicantType.choices, default=ApplicantType.WORKER
    )
    selection_method = models.CharField(
        max_length=12, choices=SelectionMethod.choices, default=SelectionMethod.FIRST_COME
    )
    priority_order = models.JSONField(
        default=list,
        blank=True,
        help_text=_("Priority groups served first, in order, e.g. veterans then low income."),
    )
    co_payment_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        help_text=_("Share of the cost the applicant pays themselves, 0 to 100."),
    )
    claim_deadline_weeks = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("Claims are due within this many weeks of completion.")
    )
    retention_period_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text=_("For retention grants: months the employee must stay employed.")
    )
    training_window_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text=_("Training must be completed within this many months of approval."),
    )
    claim_evidence = models.JSONField(
        default=list,
        blank=True,
        help_text=_(
            "Evidence a completion claim must carry: certificate, badge, certificate_or_badge, invoice, "
            "proof_of_payment, retention. Empty: a certificate or a badge."
        ),
    )
    wage_floor = MoneyField(
        null=True,
        blank=True,
        help_text=_("Annual pay the worker must earn after training for the claim to be paid, if any."),
    )
    managers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="managed_programs", blank=True)
    credentials: "models.ManyToManyField[Credential, ProgramCredential]" = models.ManyToManyField(
        "Credential", through="ProgramCredential", related_name="programs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(co_payment_percent__gte=0) & Q(co_payment_percent__lte=100),
                name="program_co_payment_0_to_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @classmethod
    def transition_refused(cls, from_status: str, to_status: str) -> str:
        return _("A program that is %(from)s cannot become %(to)s.") % {
            "from": cls.Status(from_status).label.lower(),
            "to": cls.Status(to_status).label.lower(),
        }

    @property
    def is_public(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.CLOSED)


class ProgramEvent(StatusEvent):
    """Every status change and budget-affecting configuration change of a program."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="events")
    reason = models.CharField(max_length=500, blank=True)

    class Meta(StatusEvent.Meta):
        ordering = ["-created_at", "-id"]


class FundingRound(models.Model):
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="rounds")
    name = models.CharField(max_length=120)
    opens_at = models.DateTimeField()
    closes_at = models.DateTimeField()
    budget_share = MoneyField(
        null=True, blank=True, help_text=_("Optional: the most this round may commit and pay out.")
    )

    class Meta:
        ordering = ["program", "opens_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")), name="round_closes_after_opening"
            ),
            models.CheckConstraint(
                condition=Q(budget_share__isnull=True) | Q(budget_share__gt=0),
                name="round_budget_share_positive",
            ),
            models.UniqueConstraint(fields=["program", "name"], name="round_name_unique_in_program"),
        ]

    def __str__(self) -> str:
        return f"{self.program.code} {self.name}"

    def is_open_at(self, moment: Any = None) -> bool:
        moment = moment or timezone.now()
        return self.opens_at <= moment < self.closes_at


class CapRule(models.Model):
    class Scope(models.TextChoices):
        PER_CREDENTIAL = "per_credential", _("Per credential")
        PER_PERSON_YEAR = "per_person_year", _("Per person per year")
        PER_PERSON_LIFETIME = "per_person_lifetime", _("Per person, lifetime")
        PER_EMPLOYER_ROUND = "per_employer_round", _("Per employer per round")
        PER_EMPLOYER_YEAR = "per_employer_year", _("Per employer per year")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="cap_rules")
    scope = models.CharField(max_length=24, choices=Scope.choices)
    amount = MoneyField()
    note = models.CharField(
        max_length=200, blank=True, help_text=_("E.g. the rule's source in the program guidance.")
    )

    class Meta:
        ordering = ["program", "scope", "amount"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="cap_amount_positive")]

    def __str__(self) -> str:
        return f"{self.get_scope_display()}: {self.amount}"


class EligibilityRule(models.Model):
    class Kind(models.TextChoices):
        RESIDENCY_REGION = "residency_region", _("Lives in one of these regions")
        AGE_BETWEEN = "age_between", _("Age between")
        EMPLOYMENT_STATUS = "employment_status", _("Employment status is one of")
        HOUSEHOLD_INCOME_BELOW = "household_income_below", _("Household income below")
        EMPLOYER_SIZE_CLASS = "employer_size_class", _("Employer size class is one of")
        SECTOR = "sector", _("Employer sector (NAICS) is one of")
        CREDENTIAL_MAX_HOURS = "credential_max_hours", _("Credential takes at most N hours")
        CREDENTIAL_MAX_MONTHS = "credential_max_months", _("Credential takes at most N months")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="eligibility_rules")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    parameters = models.JSONField(default=dict)

    class Meta:
        ordering = ["program", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.parameters}"


class ScoringCriterion(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="scoring_criteria")
    name = models.CharField(max_length=120)
    weight = models.DecimalField(max_digits=5, decimal_places=2)
    guidance = models.TextField(blank=True, help_text=_("What reviewers should look for at each score."))

    class Meta:
        ordering = ["program", "-weight", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
            models.UniqueConstraint(fields=["program", "name"], name="criterion_name_unique_in_program"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (×{self.weight})"


# ---------------------------------------------------------------- catalog


class TrainingProvider(models.Model):
    name = models.CharField(max_length=200)
    registration_number = models.CharField(max_length=64, unique=True, null=True, blank=True)
    website = models.URLField(blank=True)
    eligible_from = models.DateField(
        null=True, blank=True, help_text=_("On the eligible-provider list from.")
    )
    eligible_until = models.DateField(
        null=True, blank=True, help_text=_("On the eligible-provider list until.")
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(eligible_until__isnull=True)
                | Q(eligible_from__isnull=True)
                | Q(eligible_until__gte=F("eligible_from")),
                name="provider_eligibility_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_eligible_on(self, day: Any) -> bool:
        if self.eligible_from is None:
            return False
        return self.eligible_from <= day and (self.eligible_until is None or day <= self.eligible_until)


class BadgeIssuer(models.Model):
    """An Open Badges issuer (a DID or URL) that staff registered for a provider, with its public keys.

    A badge verifies only if its issuer is registered for the credential's provider. For did:key and
    did:jwk issuers the key is in the identifier itself and `public_keys` may stay empty.
    """

    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="badge_issuers")
    issuer_id = models.CharField(max_length=500)
    public_keys = models.JSONField(default=list, blank=True, help_text=_("Public JWKs."))
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["provider", "issuer_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "issuer_id"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_registration_per_issuer",
            )
        ]

    def __str__(self) -> str:
        return self.issuer_id


class Skill(models.Model):
    class Taxonomy(models.TextChoices):
        ESCO = "esco", "ESCO"
        ONET = "onet", "O*NET"
        LIGHTCAST = "lightcast", "Lightcast"
        LOCAL = "local", _("Local")

    taxonomy = models.CharField(max_length=12, choices=Taxonomy.choices)
    taxonomy_version = models.CharField(max_length=20)
    code = models.CharField(max_length=120)
    label = models.CharField(max_length=200)

    class Meta:
        ordering = ["label"]
        constraints = [
            models.UniqueConstraint(
                fields=["taxonomy", "taxonomy_version", "code"], name="skill_unique_in_taxonomy"
            )
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.get_taxonomy_display()} {self.taxonomy_version})"


class Occupation(models.Model):
    code = models.CharField(max_length=10, unique=True, validators=[onet_soc_validator])
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Credential(models.Model):
    class DeliveryMode(models.TextChoices):
        ONLINE = "online", _("Online")
        IN_PERSON = "in_person", _("In person")
        HYBRID = "hybrid", _("Hybrid")

    title = models.CharField(max_length=200)
    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="credentials")
    description = models.TextField(blank=True)
    hours = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    duration_weeks = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    cost = MoneyField()
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES, default="USD")
    delivery_mode = models.CharField(max_length=10, choices=DeliveryMode.choices)
    occupations = models.ManyToManyField(Occupation, related_name="credentials", blank=True)
    skills = models.ManyToManyField(Skill, related_name="credentials", blank=True)
    ctid = models.CharField(
        "Credential Engine CTID",
        max_length=39,
        unique=True,
        null=True,
        blank=True,
        validators=[ctid_validator],
        db_column="credential_engine_ctid",  # "ctid" is a PostgreSQL system column
    )
    website = models.URLField(blank=True)
    badge_achievement_id = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("The id (URL) of the Open Badges achievement the provider issues for this credential."),
    )
    is_listed = models.BooleanField(default=True, help_text=_("Shown in the public catalog."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]
        constraints = [models.CheckConstraint(condition=Q(cost__gte=0), name="credential_cost_not_negative")]
        indexes = [models.Index(fields=["is_listed", "title"])]

    def __str__(self) -> str:
        return f"{self.title} — {self.provider}"

    @property
    def duration_months(self) -> Decimal:
        return (Decimal(self.duration_weeks) * 7 / Decimal("30.4375")).quantize(Decimal("0.1"))


class ProgramCredential(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="funded_credentials")
    credential = models.ForeignKey(Credential, on_delete=models.PROTECT, related_name="funding")
    maximum_amount = MoneyField(
        null=True, blank=True, help_text=_("Optional: the most this program pays for it.")
    )

    class Meta:
        ordering = ["program", "credential__title"]
        constraints = [
            models.UniqueConstraint(fields=["program", "credential"], name="program_credential_unique"),
            models.CheckConstraint(
                condition=Q(maximum_amount__isnull=True) | Q(maximum_amount__gt=0),
                name="program_credential_max_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} funds {self.credential_id}"


class CredentialRequest(models.Model):
    """A worker's or employer's request to fund a credential that is not in the catalog yet."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        APPROVED = "approved", _("Added to the catalog")
        DECLINED = "declined", _("Declined")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.APPROVED, Status.DECLINED},
        Status.APPROVED: set(),
        Status.DECLINED: set(),
    }
    WORKFLOW_EVENT = ("programs.CredentialRequestEvent", "request")
    TRANSITION_REFUSED = _("This request has already been decided.")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="credential_requests"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    title = models.CharField(max_length=200)
    provider_name = models.CharField(max_length=200)
    provider_website = models.URLField(blank=True)
    hours = models.PositiveIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    cost = MoneyField(null=True, blank=True)
    skills_taught = models.TextField(help_text=_("The skills the course teaches, one per line."))
    syllabus = models.FileField(upload_to="credential-requests/%Y/%m/", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    credential = models.ForeignKey(
        Credential, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.title} ({self.get_status_display()})"


class CredentialRequestEvent(StatusEvent):
    request = models.ForeignKey(CredentialRequest, on_delete=models.PROTECT, related_name="events")
    # Every move of a request is someone's: the requester's or a catalog manager's.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")


# ---------------------------------------------------------------- budget ledger


class ProgramBudget(models.Model):
    """Running totals of a program's money. Changed only by the ledger services, under a row lock.

    available = total - committed - disbursed. Clawed-back money returns to what is available.
    """

    program = models.OneToOneField(Program, on_delete=models.PROTECT, related_name="budget")
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    total = MoneyField(default=Decimal("0"))
    committed = MoneyField(default=Decimal("0"))
    disbursed = MoneyField(default=Decimal("0"))
    clawed_back = MoneyField(
        default=Decimal("0"), help_text=_("Recovered over the program's life (for reports).")
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(total__gte=0), name="budget_total_not_negative"),
            models.CheckConstraint(condition=Q(committed__gte=0), name="budget_committed_not_negative"),
            models.CheckConstraint(condition=Q(disbursed__gte=0), name="budget_disbursed_not_negative"),
            models.CheckConstraint(condition=Q(clawed_back__gte=0), name="budget_clawed_back_not_negative"),
            models.CheckConstraint(
                condition=Q(committed__lte=F("total") - F("disbursed")), name="budget_never_over_committed"
            ),
        ]

    def __str__(self) -> str:
        return f"Budget of {self.program_id}: {self.total} {self.currency}"

    @property
    def available(self) -> Decimal:
        return self.total - self.committed - self.disbursed


class LedgerEntry(AppendOnlyModel):
    """One movement of a program's money. Never edited or deleted; a correction is a reversing entry."""

    class Kind(models.TextChoices):
        COMMITMENT = "commitment", _("Commitment")
        RELEASE = "release", _("Release")
        DISBURSEMENT = "disbursement", _("Disbursement")
        CLAWBACK = "clawback", _("Clawback")
        ADJUSTMENT = "adjustment", _("Budget adjustment")

    budget = models.ForeignKey(ProgramBudget, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    amount = MoneyField(help_text=_("Positive, except an adjustment that lowers the budget."))
    currency = models.CharField(max_length=3, choices=CURRENCY_CHOICES)
    funding_round = models.ForeignKey(
        FundingRound, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(max_length=500)
    idempotency_key = models.CharField(max_length=120, unique=True)
    reverses = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversals"
    )
    # What the movement concerns (an application, a payment): generic, so the ledger needs no later app.
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")
    # The running totals just after this entry, so the trail reads without recomputing.
    total_after = MoneyField()
    committed_after = MoneyField()
    disbursed_after = MoneyField()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["budget", "kind"]),
            models.Index(fields=["subject_type", "subject_id"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="adjustment", amount__lt=0) | Q(amount__gt=0),
                name="ledger_amount_sign_by_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} {self.currency}"
