"""The demo programs and catalog: the four funding models, valid codes, money only on the ledger, reruns."""

from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count, Sum

from demo.programs import DEMO_PROGRAM_CODES, HEALTHCARE
from programs.models import (
    Credential,
    CredentialRequest,
    LedgerEntry,
    Program,
    ProgramBudget,
    ctid_validator,
    onet_soc_validator,
)
from programs.rules import Usage, maximum_award, validate_rule_parameters
from programs.selectors import ledger_reconcile, open_round

pytestmark = pytest.mark.django_db


def _seed(settings) -> str:  # type: ignore[no-untyped-def]
    settings.DEBUG = True
    out = StringIO()
    call_command("seed_demo", "--applications", "0", verbosity=0, stdout=out)
    return out.getvalue()


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in apps.get_app_config("programs").get_models()}


def test_seeding_twice_gives_the_same_demo_with_a_reconciled_ledger(settings) -> None:
    output = _seed(settings)
    first = _counts()
    assert "TECHREIMB-26 (open)" in output

    programs = Program.objects.filter(code__in=DEMO_PROGRAM_CODES)
    assert programs.count() == 5
    assert programs.filter(status=Program.Status.OPEN).count() == 4
    assert set(programs.filter(status=Program.Status.OPEN).values_list("payment_model", flat=True)) == set(
        Program.PaymentModel.values
    )
    assert 35 <= Credential.objects.count() <= 45

    # The only money movements are the opening budgets, and each budget equals its opening adjustment.
    assert set(LedgerEntry.objects.values_list("kind", flat=True)) == {LedgerEntry.Kind.ADJUSTMENT}
    for budget in ProgramBudget.objects.filter(program__in=programs).annotate(opening=Sum("entries__amount")):
        assert budget.total == budget.opening > 0
        assert budget.committed == budget.disbursed == Decimal("0")
    assert ledger_reconcile() == []

    output = _seed(settings)
    assert _counts() == first
    assert ledger_reconcile() == []
    assert "2 credential requests waiting for review" in output


def test_demo_catalog_and_rules_are_valid_and_connected(settings) -> None:
    _seed(settings)

    credentials = Credential.objects.annotate(
        n_occupations=Count("occupations", distinct=True),
        n_skills=Count("skills", distinct=True),
        n_programs=Count("programs", distinct=True),
    ).select_related("provider")
    for credential in credentials:
        assert credential.n_occupations >= 1, credential
        assert credential.n_skills >= 1, credential
        assert credential.n_programs >= 1, credential
        assert credential.provider.is_eligible_on(credential.created_at.date()), credential.provider
        credential.full_clean()
        if credential.ctid:
            ctid_validator(credential.ctid)
    assert credentials.exclude(ctid=None).count() >= 5
    for credential in credentials.prefetch_related("occupations"):
        for occupation in credential.occupations.all():
            onet_soc_validator(occupation.code)
            assert occupation.title != occupation.code
    # Skills are shared, so matching credentials by skill finds more than one.
    assert Credential.objects.filter(skills__label="Troubleshooting").count() >= 3

    for program in Program.objects.filter(code__in=DEMO_PROGRAM_CODES).prefetch_related("eligibility_rules"):
        assert program.eligibility_rules.all(), program
        for rule in program.eligibility_rules.all():
            assert validate_rule_parameters(rule.kind, rule.parameters) == rule.parameters
        if program.status == Program.Status.OPEN:
            assert open_round(program) is not None, program
            assert program.funded_credentials.exists()

    ita = Program.objects.get(code="ITA-26")
    assert ita.selection_method == Program.SelectionMethod.SCORED
    assert ita.priority_order == ["veteran", "low_income"]
    assert ita.scoring_criteria.count() == 3
    caps = [(rule.scope, rule.amount) for rule in ita.cap_rules.all()]

    def most_for(title_part: str) -> tuple[Decimal, str]:
        link = ita.funded_credentials.select_related("credential").get(credential__title__contains=title_part)
        result = maximum_award(
            cost=link.credential.cost,
            co_payment_percent=ita.co_payment_percent,
            caps=caps,
            usage=Usage(),
            credential_maximum=link.maximum_amount,
        )
        return result.maximum, result.binding

    # $5,000 a year, $7,500 for health care: a health-care course above $5,000 is funded in full.
    assert most_for("CDL") == (Decimal("5000.00"), "credential_maximum")
    assert most_for("CCMA") == (Decimal("6200.00"), "cost")
    assert len(HEALTHCARE) == ita.funded_credentials.filter(maximum_amount=Decimal("7500.00")).count()

    techcred = Program.objects.get(code="TECHREIMB-26")
    assert techcred.rounds.count() == 2
    assert {rule.scope for rule in techcred.cap_rules.all()} == {"per_credential", "per_employer_round"}

    requests = CredentialRequest.objects.filter(requested_by__email="worker@demo.skillsfund.test")
    assert requests.count() == 2
    assert set(requests.values_list("status", flat=True)) == {CredentialRequest.Status.PENDING}
