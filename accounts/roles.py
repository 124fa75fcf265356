from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of SkillsFund; each is a Django group created by a data migration."""

    WORKER = "worker", _("Worker")
    EMPLOYER_REPRESENTATIVE = "employer_representative", _("Employer representative")
    REVIEWER = "reviewer", _("Reviewer")
    PROGRAM_MANAGER = "program_manager", _("Program manager")
    FINANCE_OFFICER = "finance_officer", _("Finance officer")
    OFFICIAL = "official", _("Official")
    ADMINISTRATOR = "administrator", _("Administrator")


# Roles a person may give themselves at sign-up; agency roles are granted by administrators only.
SELF_SERVICE_ROLES = (Role.WORKER, Role.EMPLOYER_REPRESENTATIVE)
STAFF_ROLES = (Role.REVIEWER, Role.PROGRAM_MANAGER, Role.FINANCE_OFFICER, Role.OFFICIAL, Role.ADMINISTRATOR)
