"""Shapes of the programs and catalog API: what goes in and what comes out. No business rules here:
services check and write, these only parse input and present records.

By area:
- programs.serializers.programs: programs themselves, and the eligibility check against their rules.
- programs.serializers.program_setup: caps, eligibility rules, scoring criteria, funding rounds and
  funded credentials.
- programs.serializers.budget: a program's budget totals and ledger entries.
- programs.serializers.catalog: providers, skills, occupations, credentials and credential requests.
- programs.serializers.fields: money in and out, web addresses, visible credential and program ids;
  other apps' serializers use these too. (The strict input types are in core.serializers.)

Every public name is importable from programs.serializers.
"""

from programs.serializers.budget import (
    LEDGER_KIND_SCHEMA,
    BudgetSerializer,
    LedgerEntrySerializer,
    LedgerKindField,
)
from programs.serializers.catalog import (
    CredentialDetailSerializer,
    CredentialFundingSerializer,
    CredentialRequestApproveSerializer,
    CredentialRequestCreateSerializer,
    CredentialRequestDeclineSerializer,
    CredentialRequestSerializer,
    CredentialSerializer,
    CredentialWriteSerializer,
    OccupationSerializer,
    ProviderBriefSerializer,
    ProviderSerializer,
    ProviderWriteSerializer,
    SkillSerializer,
    SkillWriteSerializer,
)
from programs.serializers.fields import (
    INTEGER_MAX,
    NOT_NEGATIVE_MONEY_MESSAGES,
    POSITIVE_MONEY_MESSAGES,
    SMALL_INTEGER_MAX,
    VisibleCredentialField,
    VisibleProgramField,
    money_input,
    money_output,
    web_address_output,
)
from programs.serializers.program_setup import (
    CapRuleCreateSerializer,
    CapRuleSerializer,
    EligibilityRuleCreateSerializer,
    EligibilityRuleSerializer,
    FundingRoundSerializer,
    FundingRoundWriteSerializer,
    ProgramCredentialSerializer,
    ProgramCredentialSetSerializer,
    ScoringCriterionCreateSerializer,
    ScoringCriterionSerializer,
    describe_rule,
)
from programs.serializers.programs import (
    PROGRAM_SETTING_FIELDS,
    TRANSITION_TARGETS,
    EligibilityCheckResultSerializer,
    EligibilityCheckSerializer,
    MaximumAwardSerializer,
    ProgramCreateSerializer,
    ProgramSerializer,
    ProgramSettingsSerializer,
    ProgramTransitionSerializer,
    RuleOutcomeSerializer,
)

__all__ = [
    # programs and the eligibility check
    "PROGRAM_SETTING_FIELDS",
    "ProgramSerializer",
    "ProgramSettingsSerializer",
    "ProgramCreateSerializer",
    "TRANSITION_TARGETS",
    "ProgramTransitionSerializer",
    "EligibilityCheckSerializer",
    "RuleOutcomeSerializer",
    "MaximumAwardSerializer",
    "EligibilityCheckResultSerializer",
    # program setup
    "describe_rule",
    "CapRuleSerializer",
    "CapRuleCreateSerializer",
    "EligibilityRuleSerializer",
    "EligibilityRuleCreateSerializer",
    "ScoringCriterionSerializer",
    "ScoringCriterionCreateSerializer",
    "FundingRoundSerializer",
    "FundingRoundWriteSerializer",
    "ProgramCredentialSerializer",
    "ProgramCredentialSetSerializer",
    # budget
    "LEDGER_KIND_SCHEMA",
    "LedgerKindField",
    "LedgerEntrySerializer",
    "BudgetSerializer",
    # catalog and credential requests
    "ProviderSerializer",
    "ProviderWriteSerializer",
    "SkillSerializer",
    "SkillWriteSerializer",
    "OccupationSerializer",
    "ProviderBriefSerializer",
    "CredentialSerializer",
    "CredentialFundingSerializer",
    "CredentialDetailSerializer",
    "CredentialWriteSerializer",
    "CredentialRequestSerializer",
    "CredentialRequestCreateSerializer",
    "CredentialRequestApproveSerializer",
    "CredentialRequestDeclineSerializer",
    # shared fields
    "POSITIVE_MONEY_MESSAGES",
    "NOT_NEGATIVE_MONEY_MESSAGES",
    "SMALL_INTEGER_MAX",
    "INTEGER_MAX",
    "web_address_output",
    "money_output",
    "money_input",
    "VisibleCredentialField",
    "VisibleProgramField",
]
