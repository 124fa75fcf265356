"""HTML pages for programs, the credential catalog, credential requests and budgets.

Thin: each view checks who may ask, reads through selectors, writes through services and shows a
service's ValidationError or Conflict beside the form. A service's NotAllowed becomes a 403 page.

By area:
- programs.views.programs: the public program list and page; staff pages to list, create, edit and open
  or close programs.
- programs.views.program_setup: a program's funding rounds, caps, eligibility rules, scoring criteria and
  funded credentials.
- programs.views.budget_page: a program's budget and ledger entries.
- programs.views.catalog_pages: the public catalog and credential pages; staff pages for providers, their
  Open Badges issuers, credentials and skills.
- programs.views.credential_requests: requests for credentials that are not listed, and their decisions.
- programs.views.common: helpers the modules above share.

Every view is importable from programs.views (programs/urls.py names them as views.<name>).
"""

from programs.views.budget_page import budget
from programs.views.catalog_pages import (
    CREDENTIALS_PER_PAGE,
    badge_issuer_register,
    badge_issuer_revoke,
    catalog,
    credential_detail,
    credential_form,
    credential_manage_list,
    provider_edit,
    provider_list,
    skill_list,
)
from programs.views.common import ROWS_PER_PAGE
from programs.views.credential_requests import (
    REQUEST_STATUS_TAGS,
    request_approve,
    request_create,
    request_decline,
    request_detail,
    request_list,
    request_syllabus,
)
from programs.views.program_setup import (
    cap_rule_remove,
    cap_rules,
    eligibility_rule_remove,
    eligibility_rules,
    program_credential_remove,
    program_credentials,
    round_form,
    scoring_criteria,
    scoring_criterion_remove,
)
from programs.views.programs import (
    PROGRAMS_PER_PAGE,
    STATUS_TAGS,
    manage,
    program_create,
    program_detail,
    program_edit,
    program_list,
    program_transition,
)

__all__ = [
    "CREDENTIALS_PER_PAGE",
    "PROGRAMS_PER_PAGE",
    "REQUEST_STATUS_TAGS",
    "ROWS_PER_PAGE",
    "STATUS_TAGS",
    # programs
    "manage",
    "program_create",
    "program_detail",
    "program_edit",
    "program_list",
    "program_transition",
    # program setup
    "cap_rule_remove",
    "cap_rules",
    "eligibility_rule_remove",
    "eligibility_rules",
    "program_credential_remove",
    "program_credentials",
    "round_form",
    "scoring_criteria",
    "scoring_criterion_remove",
    # budget
    "budget",
    # catalog
    "badge_issuer_register",
    "badge_issuer_revoke",
    "catalog",
    "credential_detail",
    "credential_form",
    "credential_manage_list",
    "provider_edit",
    "provider_list",
    "skill_list",
    # credential requests
    "request_approve",
    "request_create",
    "request_decline",
    "request_detail",
    "request_list",
    "request_syllabus",
]
