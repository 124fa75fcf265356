import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from core.exceptions import Conflict
from core.models import AppendOnlyError
from programs.models import LedgerEntry, ProgramBudget
from programs.selectors import ledger_reconcile
from programs.services import (
    budget_adjust,
    budget_claw_back,
    budget_commit,
    budget_disburse,
    budget_release,
    budget_set_total,
)
from tests.programs.factories import FundingRoundFactory, ProgramFactory, managed_program

pytestmark = pytest.mark.django_db

D = Decimal


def totals(program) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    budget = ProgramBudget.objects.get(program=program)
    return budget.total, budget.committed, budget.disbursed, budget.clawed_back


def test_a_full_life_of_money_keeps_totals_and_entries_in_step() -> None:
    program = ProgramFactory(budget=D("10000.00"))
    commit = budget_commit(program=program, amount="2000.00", idempotency_key="c1", reason="Award A")
    assert totals(program) == (D("10000.00"), D("2000.00"), D("0"), D("0"))
    budget_disburse(program=program, amount="1500.00", idempotency_key="d1", reason="Paid A")
    budget_release(
        program=program, amount="500.00", idempotency_key="r1", reason="Remainder of A", reverses=commit
    )
    assert totals(program) == (D("10000.00"), D("0"), D("1500.00"), D("0"))
    budget_claw_back(program=program, amount="300.00", idempotency_key="k1", reason="Recovered overpayment")
    assert totals(program) == (D("10000.00"), D("0"), D("1200.00"), D("300.00"))
    budget_adjust(program=program, delta="-1000.00", idempotency_key="a1", reason="Budget cut")
    assert totals(program) == (D("9000.00"), D("0"), D("1200.00"), D("300.00"))
    last = LedgerEntry.objects.get(idempotency_key="a1")
    assert (last.total_after, last.committed_after, last.disbursed_after) == (
        D("9000.00"),
        D("0"),
        D("1200.00"),
    )
    assert ledger_reconcile() == []


def test_a_repeated_key_returns_the_first_entry_and_moves_nothing() -> None:
    program = ProgramFactory(budget=D("10000.00"))
    first = budget_commit(program=program, amount="2000.00", idempotency_key="same", reason="Award")
    again = budget_commit(program=program, amount="2000.00", idempotency_key="same", reason="Award (retried)")
    assert again.pk == first.pk
    assert totals(program)[1] == D("2000.00")
    assert LedgerEntry.objects.filter(idempotency_key="same").count() == 1
    assert ledger_reconcile() == []


def test_a_key_reused_for_something_else_is_a_conflict_and_changes_nothing() -> None:
    program = ProgramFactory(budget=D("10000.00"))
    budget_commit(program=program, amount="2000.00", idempotency_key="k", reason="Award")
    with pytest.raises(Conflict):
        budget_commit(program=program, amount="2500.00", idempotency_key="k", reason="Award")
    with pytest.raises(Conflict):
        budget_release(program=program, amount="2000.00", idempotency_key="k", reason="Release")
    assert totals(program)[1] == D("2000.00")


def test_commitment_beyond_the_budget_is_refused_and_writes_nothing() -> None:
    program = ProgramFactory(budget=D("1000.00"))
    budget_commit(program=program, amount="800.00", idempotency_key="c1", reason="Award")
    with pytest.raises(ValidationError) as error:
        budget_commit(program=program, amount="200.01", idempotency_key="c2", reason="Award")
    assert (
        "Not enough budget: 200.00 USD is available and 200.01 is needed."
        in error.value.message_dict["amount"]
    )
    assert totals(program)[1] == D("800.00")
    assert not LedgerEntry.objects.filter(idempotency_key="c2").exists()
    budget_commit(program=program, amount="200.00", idempotency_key="c3", reason="Exactly the rest")
    assert totals(program)[1] == D("1000.00")


def test_release_disburse_and_clawback_cannot_exceed_what_is_there() -> None:
    program = ProgramFactory(budget=D("1000.00"))
    budget_commit(program=program, amount="100.00", idempotency_key="c1", reason="Award")
    for service in (budget_release, budget_disburse):
        with pytest.raises(ValidationError):
            service(
                program=program, amount="100.01", idempotency_key=f"{service.__name__}-x", reason="Too much"
            )
    with pytest.raises(ValidationError):
        budget_claw_back(program=program, amount="1.00", idempotency_key="claw", reason="Nothing was paid")
    assert totals(program) == (D("1000.00"), D("100.00"), D("0"), D("0"))
    assert ledger_reconcile() == []


def test_lowering_the_budget_below_committed_and_paid_is_refused_with_a_message() -> None:
    program = ProgramFactory(budget=D("1000.00"))
    budget_commit(program=program, amount="600.00", idempotency_key="c1", reason="Award")
    budget_disburse(program=program, amount="100.00", idempotency_key="d1", reason="Paid")
    with pytest.raises(ValidationError) as error:
        budget_adjust(program=program, delta="-400.01", idempotency_key="cut", reason="Cut")
    assert error.value.message_dict["delta"] == [
        "The budget cannot go below what is committed and paid (600.00 USD)."
    ]
    assert totals(program)[0] == D("1000.00")
    budget_adjust(program=program, delta="-400.00", idempotency_key="cut2", reason="Cut to the bone")
    assert totals(program)[0] == D("600.00")


def test_set_total_by_a_manager_writes_the_difference() -> None:
    program, manager = managed_program(budget=D("1000.00"))
    entry = budget_set_total(
        actor=manager, program=program, total="1500.00", reason="Top-up", idempotency_key="t1"
    )
    assert (entry.kind, entry.amount, entry.actor) == ("adjustment", D("500.00"), manager)
    assert (
        budget_set_total(actor=manager, program=program, total="1500.00", reason="Same", idempotency_key="t2")
        is None
    )
    assert totals(program)[0] == D("1500.00")


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-5.00", "more than zero"),
        ("10.001", "at most 2 decimal places"),
        ("ten", "Enter an amount as a number"),
        ("NaN", "Enter an amount as a number"),
        (12.5, "not a floating-point number"),
        ("1000000000000.00", "larger than this system can record"),
    ],
)
def test_bad_amounts_are_refused_and_nothing_is_written(amount, message) -> None:
    program = ProgramFactory(budget=D("1000.00"))
    before = LedgerEntry.objects.count()
    with pytest.raises(ValidationError) as error:
        budget_commit(program=program, amount=amount, idempotency_key="bad", reason="Award")
    assert message in " ".join(error.value.messages)
    assert LedgerEntry.objects.count() == before
    assert totals(program)[1] == D("0")


def test_entries_need_a_reason_and_a_key() -> None:
    program = ProgramFactory(budget=D("1000.00"))
    with pytest.raises(ValidationError):
        budget_commit(program=program, amount="1.00", idempotency_key="", reason="Award")
    with pytest.raises(ValidationError):
        budget_commit(program=program, amount="1.00", idempotency_key="k", reason=" ")


def test_round_budget_share_limits_commitments_in_that_round() -> None:
    program = ProgramFactory(budget=D("10000.00"))
    round_ = FundingRoundFactory(program=program, budget_share=D("1000.00"))
    budget_commit(program=program, amount="700.00", idempotency_key="c1", reason="A", funding_round=round_)
    with pytest.raises(ValidationError) as error:
        budget_commit(
            program=program, amount="400.00", idempotency_key="c2", reason="B", funding_round=round_
        )
    assert "300.00 of 1,000.00 remains" in error.value.message_dict["amount"][0]
    budget_release(
        program=program, amount="200.00", idempotency_key="r1", reason="A smaller", funding_round=round_
    )
    budget_commit(program=program, amount="400.00", idempotency_key="c3", reason="B", funding_round=round_)
    assert totals(program)[1] == D("900.00")


def test_ledger_entries_are_append_only() -> None:
    program = ProgramFactory(budget=D("1000.00"))
    entry = budget_commit(program=program, amount="1.00", idempotency_key="c1", reason="Award")
    entry.amount = D("999.00")
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=D("5"))


def test_reconciliation_finds_a_tampered_total_and_the_command_fails() -> None:
    program = ProgramFactory(code="TAMPER-1", budget=D("1000.00"))
    budget_commit(program=program, amount="100.00", idempotency_key="c1", reason="Award")
    call_command("reconcile_ledger", verbosity=0)
    ProgramBudget.objects.filter(program=program).update(
        committed=D("150.00")
    )  # a change behind the services
    [mismatch] = ledger_reconcile()
    assert (mismatch.program_code, mismatch.field, mismatch.recorded, mismatch.recomputed) == (
        "TAMPER-1",
        "committed",
        D("150.00"),
        D("100.00"),
    )
    with pytest.raises(CommandError, match="1 mismatch"):
        call_command("reconcile_ledger", verbosity=0)


def test_reconcile_query_count_does_not_grow_with_programs(django_assert_num_queries) -> None:
    for _ in range(2):
        ProgramFactory(budget=D("100.00"))
    with django_assert_num_queries(1):
        assert ledger_reconcile() == []
    for _ in range(10):
        ProgramFactory(budget=D("100.00"))
    with django_assert_num_queries(1):
        assert ledger_reconcile() == []


def test_database_constraint_backs_the_budget_even_behind_the_services() -> None:
    from django.db import IntegrityError, transaction

    program = ProgramFactory(budget=D("100.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramBudget.objects.filter(program=program).update(committed=D("100.01"))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgramBudget.objects.filter(program=program).update(total=D("-1"))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_many_concurrent_commitments_never_overcommit() -> None:
    """Twenty threads, each with its own connection, commit 1,000 against a 12,500 budget at once:
    exactly twelve succeed, the others are refused, and the totals equal the entries."""
    program = ProgramFactory(budget=D("12500.00"))
    barrier = threading.Barrier(20)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(number: int) -> None:
        try:
            barrier.wait()
            budget_commit(program=program, amount="1000.00", idempotency_key=f"race-{number}", reason="Race")
            result = "ok"
        except ValidationError:
            result = "refused"
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test below
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ok"] * 12 + ["refused"] * 8
    assert totals(program)[:3] == (D("12500.00"), D("12000.00"), D("0"))
    assert LedgerEntry.objects.filter(kind="commitment", budget__program=program).count() == 12
    assert ledger_reconcile() == []


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_retries_of_one_key_write_one_entry() -> None:
    program = ProgramFactory(budget=D("5000.00"))
    barrier = threading.Barrier(8)
    entry_ids: list[int] = []
    errors: list[BaseException] = []

    def retry() -> None:
        try:
            barrier.wait()
            entry_ids.append(
                budget_commit(
                    program=program, amount="1000.00", idempotency_key="one-payment", reason="Retry"
                ).pk
            )
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=retry) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(entry_ids)) == 1
    assert totals(program)[1] == D("1000.00")
    assert ledger_reconcile() == []
