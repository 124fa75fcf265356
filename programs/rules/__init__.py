"""Eligibility and cap rules as pure functions over plain data: no database, no request.

Rule parameters are validated here (so staff cannot save a rule that cannot be evaluated), and the
evaluation explains itself in plain language, one reason per rule, including what would make the
applicant eligible. Import from here (`from programs.rules import maximum_award`); by area:

- facts: the plain data the rules judge (Profile, CredentialFacts) and answer with, the vocabularies
- parameters: validate_rule_parameters and the examples shown to staff
- kinds: one function per kind of eligibility rule (RULE_KINDS), and evaluate_eligibility
- caps: maximum_award and the cap scopes
"""

from programs.rules.caps import (
    EMPLOYER_SCOPES,
    PERSON_SCOPES,
    SCOPE_LABELS,
    CapLimit,
    CapResult,
    Usage,
    maximum_award,
)
from programs.rules.facts import (
    AVERAGE_DAYS_PER_MONTH,
    EMPLOYER_SIZE_CLASSES,
    EMPLOYMENT_STATUSES,
    NAICS_PATTERN,
    CredentialFacts,
    EligibilityResult,
    Profile,
    RuleOutcome,
    age_on,
)
from programs.rules.kinds import (
    CREDENTIAL_RULE_KINDS,
    RULE_KINDS,
    RuleCheck,
    evaluate_eligibility,
    rule_kind,
)
from programs.rules.parameters import PARAMETER_EXAMPLES, PARAMETER_VALIDATORS, validate_rule_parameters

__all__ = [
    "AVERAGE_DAYS_PER_MONTH",
    "CREDENTIAL_RULE_KINDS",
    "EMPLOYER_SCOPES",
    "EMPLOYER_SIZE_CLASSES",
    "EMPLOYMENT_STATUSES",
    "NAICS_PATTERN",
    "PARAMETER_EXAMPLES",
    "PARAMETER_VALIDATORS",
    "PERSON_SCOPES",
    "RULE_KINDS",
    "SCOPE_LABELS",
    "CapLimit",
    "CapResult",
    "CredentialFacts",
    "EligibilityResult",
    "Profile",
    "RuleCheck",
    "RuleOutcome",
    "Usage",
    "age_on",
    "evaluate_eligibility",
    "maximum_award",
    "rule_kind",
    "validate_rule_parameters",
]
