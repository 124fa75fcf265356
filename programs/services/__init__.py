"""Every write to programs, the catalog and the budget ledger.

Lock order, everywhere: an application (or other subject) row first, then the program row, then the
program's budget row. Ledger services lock only the budget; callers holding other locks take them first.

By area:
- programs.services.programs: a program itself (create a draft, change its settings, open, close,
  archive).
- programs.services.program_setup: what a program is made of: funding rounds, caps, eligibility rules,
  scoring criteria and the credentials it funds.
- programs.services.catalog: the credential catalog: providers, skills, occupations, credentials,
  credential requests and Open Badges issuers.
- programs.services.ledger: the budget ledger (budget_lock, budget_commit, budget_release,
  budget_disburse, budget_claw_back, budget_adjust, budget_set_total).
- programs.services.common: helpers the modules above share.

Every public name is importable from programs.services.
"""

from programs.services.catalog import (
    PROVIDER_LISTING_EARLIEST,
    PROVIDER_LISTING_YEARS_AHEAD,
    badge_issuer_register,
    badge_issuer_revoke,
    credential_request_approve,
    credential_request_decline,
    credential_request_submit,
    credential_save,
    occupation_get_or_create,
    provider_save,
    skill_save,
)
from programs.services.ledger import (
    BUDGET_EXHAUSTED,
    budget_adjust,
    budget_claw_back,
    budget_commit,
    budget_disburse,
    budget_lock,
    budget_release,
    budget_set_total,
)
from programs.services.program_setup import (
    ROUND_YEARS_AHEAD,
    ROUND_YEARS_BACK,
    cap_rule_add,
    cap_rule_remove,
    eligibility_rule_add,
    eligibility_rule_remove,
    program_credential_remove,
    program_credential_set,
    round_save,
    scoring_criterion_add,
    scoring_criterion_remove,
)
from programs.services.programs import (
    CLAIM_EVIDENCE_KINDS,
    PROGRAM_FIELDS,
    program_create,
    program_transition,
    program_update,
)

__all__ = [
    # programs
    "CLAIM_EVIDENCE_KINDS",
    "PROGRAM_FIELDS",
    "program_create",
    "program_transition",
    "program_update",
    # program setup
    "ROUND_YEARS_AHEAD",
    "ROUND_YEARS_BACK",
    "cap_rule_add",
    "cap_rule_remove",
    "eligibility_rule_add",
    "eligibility_rule_remove",
    "program_credential_remove",
    "program_credential_set",
    "round_save",
    "scoring_criterion_add",
    "scoring_criterion_remove",
    # catalog
    "PROVIDER_LISTING_EARLIEST",
    "PROVIDER_LISTING_YEARS_AHEAD",
    "badge_issuer_register",
    "badge_issuer_revoke",
    "credential_request_approve",
    "credential_request_decline",
    "credential_request_submit",
    "credential_save",
    "occupation_get_or_create",
    "provider_save",
    "skill_save",
    # budget ledger
    "BUDGET_EXHAUSTED",
    "budget_adjust",
    "budget_claw_back",
    "budget_commit",
    "budget_disburse",
    "budget_lock",
    "budget_release",
    "budget_set_total",
]
