"""A worker's profile and their voluntary demographics."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.demographics import INCOME_BAND_CHOICES
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
