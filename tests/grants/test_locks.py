"""What the application services lock, proven on PostgreSQL with real connections.

Writers of different applications of one program must not wait for each other (that queue was the load
test's ceiling), while a change to the program's configuration must still wait for them, and two awards
competing for one person's cap must still be decided one after the other."""

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction

from accounts.models import User
from grants.applications import services
from grants.models import Application
from programs import services as program_services
from programs.models import CapRule, Program
from tests.grants.factories import funded_setup, worker_with_profile
from tests.programs.factories import CredentialFactory, ProgramCredentialFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


class Holder(threading.Thread):
    """Run `work` in a transaction on the thread's own connection and keep it open until released."""

    def __init__(self, work: Callable[[], Any]) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.holding = threading.Event()
        self.release = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            with transaction.atomic():
                self.work()
                self.holding.set()
                self.release.wait(timeout=30)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            self.error = error
            self.holding.set()
        finally:
            connection.close()

    def __enter__(self) -> "Holder":
        self.start()
        assert self.holding.wait(timeout=30)
        assert self.error is None, self.error
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.join(timeout=30)
        assert self.error is None, self.error


def lock_timeout(milliseconds: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL lock_timeout = '{int(milliseconds)}ms'")


def waits(call: Callable[[], Any], milliseconds: int = 300) -> bool:
    """Run `call` in a transaction that gives up after waiting `milliseconds` for a lock: did it wait?"""
    try:
        with transaction.atomic():
            lock_timeout(milliseconds)
            call()
    except OperationalError as error:
        return "lock timeout" in str(error)
    return False


def drafts(count: int, **setup: Any) -> tuple[Program, User, list[Application]]:
    program, manager, credential = funded_setup(**setup)
    made = []
    for _index in range(count):
        worker = worker_with_profile()
        made.append(
            services.application_create(
                actor=worker, program=program, credential=credential, amount_requested="1000.00"
            )
        )
    return program, manager, made


def test_writes_to_different_applications_of_one_program_do_not_wait_for_each_other() -> None:
    _program, _manager, (first, second) = drafts(2)
    # The first application's writer holds every lock a write takes, and keeps them.
    with Holder(lambda: services.application_submit(actor=first.applicant, application=first)):
        with transaction.atomic():
            lock_timeout(
                2000
            )  # waiting at all would fail here with "canceling statement due to lock timeout"
            submitted = services.application_submit(actor=second.applicant, application=second)
        assert submitted.status == Application.Status.SUBMITTED
    assert Application.objects.filter(status=Application.Status.SUBMITTED).count() == 2


def test_a_new_draft_does_not_wait_for_a_write_to_another_application_of_the_program() -> None:
    program, _manager, (first,) = drafts(1)
    worker = worker_with_profile()
    with Holder(lambda: services.application_submit(actor=first.applicant, application=first)):
        with transaction.atomic():
            lock_timeout(2000)
            draft = services.application_create(
                actor=worker, program=program, credential=first.credential, amount_requested="900.00"
            )
        assert draft.status == Application.Status.DRAFT


def test_a_write_to_one_application_still_excludes_another_write_to_it() -> None:
    _program, _manager, (first,) = drafts(1)
    with Holder(lambda: services.application_update(actor=first.applicant, application=first, statement="A")):
        assert waits(lambda: services.application_submit(actor=first.applicant, application=first))
    first.refresh_from_db()
    assert (first.status, first.statement) == (Application.Status.DRAFT, "A")


def test_a_change_to_the_programs_configuration_waits_for_a_write_in_progress() -> None:
    program, manager, (first,) = drafts(1)
    with Holder(lambda: services.application_submit(actor=first.applicant, application=first)):
        assert waits(
            lambda: program_services.program_transition(
                actor=manager, program=program, to_status=Program.Status.CLOSED
            )
        )
        assert waits(
            lambda: program_services.cap_rule_add(
                actor=manager, program=program, scope=CapRule.Scope.PER_PERSON_LIFETIME, amount="10.00"
            )
        )
    # Once the write has committed, the change goes through.
    closed = program_services.program_transition(
        actor=manager, program=program, to_status=Program.Status.CLOSED
    )
    assert closed.status == Program.Status.CLOSED
    assert not CapRule.objects.filter(program=program).exists()


def test_a_write_waits_for_a_change_to_the_programs_configuration_in_progress() -> None:
    program, manager, (first,) = drafts(1)
    with Holder(
        lambda: program_services.cap_rule_add(
            actor=manager, program=program, scope=CapRule.Scope.PER_PERSON_LIFETIME, amount="10.00"
        )
    ):
        assert waits(lambda: services.application_submit(actor=first.applicant, application=first))
    first.refresh_from_db()
    assert first.status == Application.Status.DRAFT
    # Judged by the rule that committed first: 1,000 requested is over the new 10.00 cap.
    with pytest.raises(ValidationError, match="10"):
        services.application_submit(actor=first.applicant, application=first)


def _waiting_on_locks(count: int) -> None:
    """Wait until `count` other backends of this database wait on a lock."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0] >= count:
                return
        time.sleep(0.05)
    raise AssertionError(f"{count} transactions never waited on a lock")


def test_two_awards_competing_for_one_persons_cap_are_decided_one_after_the_other() -> None:
    """Both approvals start while the budget is held elsewhere, so both reach the point where they count
    the person's awards at the same moment. The cap (1,500 over a lifetime) allows one award of 1,000: the
    second approval must count the first, so it must take the budget lock before counting."""
    program, manager, credential = funded_setup(budget=Decimal("50000.00"), cost=Decimal("1000.00"))
    program_services.cap_rule_add(
        actor=manager, program=program, scope=CapRule.Scope.PER_PERSON_LIFETIME, amount="1500.00"
    )
    worker = worker_with_profile()
    other = CredentialFactory(cost=Decimal("1000.00"))
    ProgramCredentialFactory(program=program, credential=other)
    in_review = []
    for item in (credential, other):
        draft = services.application_create(
            actor=worker, program=program, credential=item, amount_requested="1000.00"
        )
        services.application_submit(actor=worker, application=draft)
        in_review.append(services.application_begin_review(actor=manager, application=draft))

    outcomes: list[str] = []
    record = threading.Lock()

    def approve(application: Application) -> None:
        try:
            services.application_approve(actor=User.objects.get(pk=manager.pk), application=application)
            result = "approved"
        except ValidationError as error:
            result = "refused: " + " ".join(error.messages)
        except BaseException as error:  # noqa: BLE001 - any other outcome fails the test below
            result = f"error: {error!r}"
        finally:
            connection.close()
        with record:
            outcomes.append(result)

    with Holder(lambda: program_services.budget_lock(program)):
        threads = [threading.Thread(target=approve, args=(application,)) for application in in_review]
        for thread in threads:
            thread.start()
        _waiting_on_locks(2)
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcome.split(":")[0] for outcome in outcomes) == ["approved", "refused"], outcomes
    assert Application.objects.filter(applicant=worker, status=Application.Status.APPROVED).count() == 1
    assert sum(
        Application.objects.filter(applicant=worker, status="approved").values_list(
            "amount_awarded", flat=True
        )
    ) == Decimal("1000.00")
