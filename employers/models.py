"""Employers, representatives, pledges, job roles, hires and progress reports (issue 6)."""

import re
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import StatusEvent
from core.money import MoneyField
from programs.models import Occupation, Skill
from programs.rules import EMPLOYER_SIZE_CLASSES

# ---------------------------------------------------------------- validators

# NAICS 2022 sectors, by two-digit code (manufacturing, trade and transport span several codes).
NAICS_SECTORS: dict[str, str] = {
    "11": "Agriculture, Forestry, Fishing and Hunting",
    "21": "Mining, Quarrying, and Oil and Gas Extraction",
    "22": "Utilities",
    "23": "Construction",
    "31": "Manufacturing",
    "32": "Manufacturing",
    "33": "Manufacturing",
    "42": "Wholesale Trade",
    "44": "Retail Trade",
    "45": "Retail Trade",
    "48": "Transportation and Warehousing",
    "49": "Transportation and Warehousing",
    "51": "Information",
    "52": "Finance and Insurance",
    "53": "Real Estate and Rental and Leasing",
    "54": "Professional, Scientific, and Technical Services",
    "55": "Management of Companies and Enterprises",
    "56": "Administrative and Support and Waste Management and Remediation Services",
    "61": "Educational Services",
    "62": "Health Care and Social Assistance",
    "71": "Arts, Entertainment, and Recreation",
    "72": "Accommodation and Food Services",
    "81": "Other Services (except Public Administration)",
    "92": "Public Administration",
}

# Employer Identification Number prefixes the IRS has never issued.
EIN_UNUSED_PREFIXES = frozenset(
    {"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70", "78", "79", "89", "96", "97"}
)
_EIN_PATTERN = re.compile(r"^\d{2}-\d{7}$")
_NAICS_PATTERN = re.compile(r"^\d{2,6}$")


def naics_validator(value: str) -> None:
    """A NAICS code of 2 to 6 digits whose first two name a 2022 sector."""
    if not _NAICS_PATTERN.match(value or ""):
        raise ValidationError(
            _("Enter a NAICS code of 2 to 6 digits, for example 541511."), code="invalid_naics"
        )
    if value[:2] not in NAICS_SECTORS:
        raise ValidationError(
            _("%(code)s is not a NAICS sector; the code must start with a sector such as 23, 31 or 62.")
            % {"code": value[:2]},
            code="invalid_naics_sector",
        )


def normalize_registration_number(value: str) -> str:
    """`123456789` or ` 12-3456789 ` → `12-3456789`; anything else is returned trimmed, unchanged."""
    cleaned = re.sub(r"\s+", "", value or "")
    if re.fullmatch(r"\d{9}", cleaned):
        return f"{cleaned[:2]}-{cleaned[2:]}"
    return cleaned


def registration_number_validator(value: str) -> None:
    """A US Employer Identification Number, NN-NNNNNNN, with a prefix the IRS issues."""
    if not _EIN_PATTERN.match(value or ""):
        raise ValidationError(
            _("Enter the Employer Identification Number as 9 digits, like 12-3456789."), code="invalid_ein"
        )
    if value[:2] in EIN_UNUSED_PREFIXES:
        raise ValidationError(
            _("%(prefix)s is not a prefix the IRS issues; check the Employer Identification Number.")
            % {"prefix": value[:2]},
            code="invalid_ein_prefix",
        )


# ---------------------------------------------------------------- employers


class Employer(models.Model):
    class SizeClass(models.TextChoices):
        # Values are exactly programs.rules.EMPLOYER_SIZE_CLASSES' keys, so eligibility rules match.
        SMALL = "1-50", EMPLOYER_SIZE_CLASSES["1-50"]
        MEDIUM = "51-200", EMPLOYER_SIZE_CLASSES["51-200"]
        LARGE = "201+", EMPLOYER_SIZE_CLASSES["201+"]

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting verification")
        VERIFIED = "verified", _("Verified")
        SUSPENDED = "suspended", _("Suspended")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.PENDING: {Status.VERIFIED, Status.SUSPENDED},
        Status.VERIFIED: {Status.SUSPENDED},
        Status.SUSPENDED: {Status.VERIFIED},
    }
    WORKFLOW_EVENT = ("employers.EmployerEvent", "employer")

    legal_name = models.CharField(max_length=200)
    trading_name = models.CharField(max_length=200, blank=True)
    registration_number = models.CharField(
        _("Employer Identification Number"),
        max_length=10,
        unique=True,
        validators=[registration_number_validator],
        help_text=_("The US EIN, like 12-3456789."),
    )
    naics_code = models.CharField(
        _("sector (NAICS code)"), max_length=6, validators=[naics_validator], db_index=True
    )
    size_class = models.CharField(max_length=8, choices=SizeClass.choices)
    region = models.CharField(max_length=60)
    address = models.TextField()
    website = models.URLField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_name", "id"]

    def __str__(self) -> str:
        return self.display_name

    @property
    def is_verified(self) -> bool:
        return self.status == self.Status.VERIFIED

    @property
    def display_name(self) -> str:
        return self.trading_name or self.legal_name

    @property
    def sector_name(self) -> str:
        return NAICS_SECTORS.get(self.naics_code[:2], "")


class EmployerEvent(StatusEvent):
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        indexes = [models.Index(fields=["employer", "created_at"])]


class Representative(models.Model):
    """A person who acts for an employer. Removal sets removed_at; the row stays for the record."""

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="representatives")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="representations"
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["employer", "user"],
                condition=Q(removed_at__isnull=True),
                name="representative_active_once_per_employer",
            )
        ]
        indexes = [models.Index(fields=["user", "removed_at"])]

    def __str__(self) -> str:
        return f"{self.user_id} for {self.employer_id}"

    @property
    def is_active(self) -> bool:
        return self.removed_at is None


class RepresentativeInvitation(models.Model):
    """An emailed invitation to become a representative. Only the token's SHA-256 is stored."""

    VALID_FOR_DAYS = 7

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="invitations")
    email = models.EmailField()
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Invitation of {self.email} to {self.employer_id}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


# ---------------------------------------------------------------- pledges


class Pledge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        RETURNED = "returned", _("Returned for changes")
        ACTIVE = "active", _("Active")
        FULFILLED = "fulfilled", _("Fulfilled")
        LAPSED = "lapsed", _("Lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.ACTIVE, Status.RETURNED, Status.WITHDRAWN},
        Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.ACTIVE: {Status.FULFILLED, Status.LAPSED, Status.WITHDRAWN},
        Status.FULFILLED: set(),
        Status.LAPSED: set(),
        Status.WITHDRAWN: set(),
    }
    WORKFLOW_EVENT = ("employers.PledgeEvent", "pledge")
    EDITABLE: ClassVar[set[str]] = {Status.DRAFT, Status.RETURNED}
    # The commitments, in the order pages show them: (target field, verified report field, report field).
    COMMITMENTS: ClassVar[tuple[tuple[str, str, str], ...]] = (
        ("roles_converted_target", "verified_roles_converted", "roles_converted"),
        ("credential_holder_hires_target", "verified_hires_credential_holders", "hires_credential_holders"),
        ("non_degree_hires_target", "verified_hires_without_degree", "hires_without_degree"),
        ("priority_group_hires_target", "verified_hires_priority_groups", "hires_priority_groups"),
    )

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="pledges")
    framework_name = models.CharField(
        max_length=200, help_text=_("The initiative the pledge is made under, e.g. a skills-first pledge.")
    )
    start_date = models.DateField()
    target_date = models.DateField()
    roles_converted_target = models.PositiveIntegerField(
        _("roles whose degree requirement is removed"), default=0
    )
    credential_holder_hires_target = models.PositiveIntegerField(_("hires of credential holders"), default=0)
    non_degree_hires_target = models.PositiveIntegerField(
        _("hires of people without a four-year degree"), default=0
    )
    priority_group_hires_target = models.PositiveIntegerField(_("hires from priority groups"), default=0)
    wage_floor = MoneyField(
        _("wage floor (annual pay, USD)"),  # type: ignore[arg-type]
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    staff_note = models.TextField(blank=True, help_text=_("Why staff returned the pledge."))
    submitted_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "target_date"]),
            models.Index(fields=["employer", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_date__gt=F("start_date")), name="pledge_target_after_start"
            ),
            models.CheckConstraint(
                condition=Q(wage_floor__isnull=True) | Q(wage_floor__gte=0),
                name="pledge_wage_floor_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework_name} ({self.employer_id})"

    @property
    def has_commitment(self) -> bool:
        return any(getattr(self, target) > 0 for target, _verified, _reported in self.COMMITMENTS)


class PledgeEvent(StatusEvent):
    """Every move of a pledge, and of its progress reports (payload {"report": id})."""

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="events")

    class Meta(StatusEvent.Meta):
        indexes = [models.Index(fields=["pledge", "created_at"])]


# ---------------------------------------------------------------- job roles and hires


class JobRole(models.Model):
    class AssessmentMethod(models.TextChoices):
        WORK_SAMPLE = "work_sample", _("Work sample")
        STRUCTURED_INTERVIEW = "structured_interview", _("Structured interview")
        SKILLS_TEST = "skills_test", _("Skills test")
        CREDENTIAL = "credential", _("Credential")

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="job_roles")
    pledge = models.ForeignKey(
        Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="job_roles"
    )
    title = models.CharField(max_length=200)
    occupation = models.ForeignKey(
        Occupation, on_delete=models.PROTECT, null=True, blank=True, related_name="job_roles"
    )
    skills = models.ManyToManyField(Skill, related_name="job_roles", blank=True)
    degree_required_before = models.BooleanField(
        _("a four-year degree was required before the pledge"), default=False
    )
    degree_required_after = models.BooleanField(_("a four-year degree is required now"), default=False)
    assessment_method = models.CharField(max_length=24, choices=AssessmentMethod.choices)
    wage_min = MoneyField(_("lowest annual pay (USD)"), validators=[MinValueValidator(0)])  # type: ignore[arg-type]
    wage_max = MoneyField(_("highest annual pay (USD)"), validators=[MinValueValidator(0)])  # type: ignore[arg-type]
    open_positions = models.PositiveIntegerField(default=1)
    is_open = models.BooleanField(default=True, db_index=True)
    region = models.CharField(
        max_length=60, blank=True, help_text=_("Leave empty for the employer's region.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]
        indexes = [models.Index(fields=["employer", "is_open"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(wage_min__lte=F("wage_max")), name="job_role_wage_range_ordered"
            ),
            models.CheckConstraint(condition=Q(wage_min__gte=0), name="job_role_wage_min_not_negative"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def degree_requirement_removed(self) -> bool:
        return self.degree_required_before and not self.degree_required_after

    @property
    def effective_region(self) -> str:
        return self.region or self.employer.region


class Hire(models.Model):
    class Source(models.TextChoices):
        EMPLOYER_REPORTED = "employer_reported", _("Employer-reported, to be verified")
        VERIFIED = "verified", _("Verified")

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="hires")
    job_role = models.ForeignKey(
        JobRole, on_delete=models.PROTECT, null=True, blank=True, related_name="hires"
    )
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="hires")
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="hires")
    hired_on = models.DateField()
    annual_wage = MoneyField(null=True, blank=True, validators=[MinValueValidator(0)])
    has_four_year_degree = models.BooleanField(default=False)
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.EMPLOYER_REPORTED)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-hired_on", "-id"]
        indexes = [models.Index(fields=["pledge", "source"]), models.Index(fields=["worker", "hired_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(annual_wage__isnull=True) | Q(annual_wage__gte=0), name="hire_wage_not_negative"
            ),
            # The service refuses a second hire of a person into a role under the employer's lock; this
            # holds it for any writer.
            models.UniqueConstraint(fields=["job_role", "worker"], name="one_hire_per_role_and_worker"),
        ]

    def __str__(self) -> str:
        return f"Hire of {self.worker_id} by {self.employer_id} on {self.hired_on}"


class CandidateInvitation(models.Model):
    job_role = models.ForeignKey(JobRole, on_delete=models.PROTECT, related_name="candidate_invitations")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="candidate_invitations"
    )
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["job_role", "worker"], name="one_invitation_per_role_and_worker")
        ]

    def __str__(self) -> str:
        return f"Invitation of {self.worker_id} to {self.job_role_id}"


# ---------------------------------------------------------------- progress reports


class ProgressReport(models.Model):
    """Figures an employer reports for one quarter, with a payroll extract; staff verify them.

    Attainment counts only the verified_* figures (null until staff verify the report).
    """

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting verification")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned for correction")

    TRANSITIONS: ClassVar[dict[str, set[str]]] = {
        Status.SUBMITTED: {Status.VERIFIED, Status.RETURNED},
        Status.RETURNED: {Status.SUBMITTED},
        Status.VERIFIED: set(),
    }
    # A report's moves are recorded on its pledge's events (with the report's id and figures), which
    # the services write themselves.
    WORKFLOW_EVENT = None
    FIGURES: ClassVar[tuple[str, ...]] = (
        "roles_converted",
        "hires_total",
        "hires_credential_holders",
        "hires_without_degree",
        "hires_priority_groups",
    )

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="reports")
    year = models.PositiveSmallIntegerField(validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    quarter = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(4)])
    roles_converted = models.PositiveIntegerField(_("roles whose degree requirement was removed"), default=0)
    hires_total = models.PositiveIntegerField(_("hires in total"), default=0)
    hires_credential_holders = models.PositiveIntegerField(_("hires of credential holders"), default=0)
    hires_without_degree = models.PositiveIntegerField(_("hires without a four-year degree"), default=0)
    hires_priority_groups = models.PositiveIntegerField(_("hires from priority groups"), default=0)
    evidence = models.FileField(upload_to="employer-reports/%Y/%m/")
    evidence_name = models.CharField(max_length=200)
    evidence_sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED, db_index=True)
    verified_roles_converted = models.PositiveIntegerField(null=True, blank=True)
    verified_hires_total = models.PositiveIntegerField(null=True, blank=True)
    verified_hires_credential_holders = models.PositiveIntegerField(null=True, blank=True)
    verified_hires_without_degree = models.PositiveIntegerField(null=True, blank=True)
    verified_hires_priority_groups = models.PositiveIntegerField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    staff_note = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["pledge", "year", "quarter"]
        indexes = [models.Index(fields=["pledge", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["pledge", "year", "quarter"], name="progress_report_one_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1) & Q(quarter__lte=4), name="report_quarter_1_to_4"
            ),
            models.CheckConstraint(
                condition=Q(hires_credential_holders__lte=F("hires_total"))
                & Q(hires_without_degree__lte=F("hires_total"))
                & Q(hires_priority_groups__lte=F("hires_total")),
                name="report_hires_within_total",
            ),
            models.CheckConstraint(
                condition=Q(status="verified", verified_hires_total__isnull=False)
                | (~Q(status="verified") & Q(verified_hires_total__isnull=True)),
                name="report_verified_figures_iff_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} Q{self.quarter} of pledge {self.pledge_id}"

    @property
    def period_label(self) -> str:
        return f"{self.year} Q{self.quarter}"
