"""The worker's own records: the profile the rules read, and the voluntary demographic answers."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.dates import check_within
from core.demographics import (
    DISABILITY_LABELS,
    SEX_LABELS,
    VETERAN_STATUS_LABELS,
    reporting_group,
    validate_race_ethnicity,
)
from core.workflow import lock_rows
from grants.date_windows import date_of_birth_window
from grants.models import Demographics, WorkerProfile


@transaction.atomic
def worker_profile_save(*, user: User, **fields: Any) -> WorkerProfile:
    """Create or change the worker's own profile. Changing the contact consent records when."""
    profile = lock_rows(WorkerProfile.objects.filter(user=user)).first() or WorkerProfile(user=user)
    allowed = {
        "region",
        "address",
        "date_of_birth",
        "employment_status",
        "household_income_band",
        "contact_by_employers",
        "priority_veteran",
        "priority_disability",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown profile field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if (
        "contact_by_employers" in fields
        and bool(fields["contact_by_employers"]) != profile.contact_by_employers
    ):
        profile.contact_consent_changed_at = timezone.now()
    born_before = profile.date_of_birth
    for name, value in fields.items():
        setattr(profile, name, value if value is not None or name == "date_of_birth" else "")
    if profile.date_of_birth and profile.date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth cannot be in the future.")})
    profile.full_clean(exclude=["user"])
    if profile.date_of_birth and profile.date_of_birth != born_before:  # unchanged: judged when entered
        earliest, latest = date_of_birth_window(timezone.localdate())
        check_within(profile.date_of_birth, field="date_of_birth", earliest=earliest, latest=latest)
    profile.save()
    return profile


DEMOGRAPHIC_ANSWERS = {"sex": SEX_LABELS, "veteran": VETERAN_STATUS_LABELS, "disability": DISABILITY_LABELS}


@transaction.atomic
def demographics_save(
    *, user: User, race_ethnicity: list[str], sex: str = "", veteran: str = "", disability: str = ""
) -> Demographics:
    """Voluntary answers; every question may be left blank or answered "prefer not to say"."""
    errors: dict[str, list[str]] = {}
    for name, value in (("sex", sex), ("veteran", veteran), ("disability", disability)):
        if value and value not in DEMOGRAPHIC_ANSWERS[name]:
            errors[name] = [_("Choose one of the answers offered.")]
    try:
        codes = validate_race_ethnicity(list(race_ethnicity or []))
    except ValidationError as error:
        errors["race_ethnicity"] = error.messages
        codes = []
    if errors:
        raise ValidationError(errors)
    demographics, _created = lock_rows(Demographics.objects.all()).get_or_create(user=user)
    demographics.race_ethnicity, demographics.sex = codes, sex
    demographics.veteran, demographics.disability = veteran, disability
    demographics.race_group = reporting_group(codes)
    demographics.save()
    return demographics
