"""The programs and catalog API. Thin: serializers parse, services write, selectors read.

Order of refusals, everywhere: something the caller may not see is a 404; something they may see but
not change is a 403 (checked before the input, so a refused request learns nothing from validation);
bad input is a 400 with field errors; a state that forbids the change is a 409.

By area:
- programs.api.programs: programs themselves, their budget totals and the eligibility check
  (ProgramViewSet, and PROGRAM_CODE_REGEX for the URLs).
- programs.api.program_setup: a program's rounds, caps, eligibility rules, scoring criteria and funded
  credentials, under /programs/{program_code}/.
- programs.api.catalog: credentials, training providers, skills and credential requests.
(Open Badges issuers have their own module, programs.api_issuers.)

Every viewset is importable from programs.api.
"""

from programs.api.catalog import CredentialRequestViewSet, CredentialViewSet, ProviderViewSet, SkillViewSet
from programs.api.program_setup import (
    RULE_EXAMPLES,
    ProgramCapViewSet,
    ProgramChildViewSet,
    ProgramCredentialViewSet,
    ProgramCriterionViewSet,
    ProgramEligibilityRuleViewSet,
    ProgramRoundViewSet,
)
from programs.api.programs import PROGRAM_CODE_REGEX, ProgramViewSet

__all__ = [
    # programs
    "PROGRAM_CODE_REGEX",
    "ProgramViewSet",
    # program setup
    "RULE_EXAMPLES",
    "ProgramCapViewSet",
    "ProgramChildViewSet",
    "ProgramCredentialViewSet",
    "ProgramCriterionViewSet",
    "ProgramEligibilityRuleViewSet",
    "ProgramRoundViewSet",
    # catalog
    "CredentialRequestViewSet",
    "CredentialViewSet",
    "ProviderViewSet",
    "SkillViewSet",
]
