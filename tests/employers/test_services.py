"""Employers' services: every move of employer verification, pledges and reports, allowed and refused."""

import re
import threading
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Notice, RoleChange
from accounts.roles import Role
from core.exceptions import Conflict, NotAllowed
from employers import services
from employers.models import (
    CandidateInvitation,
    Employer,
    EmployerEvent,
    Hire,
    JobRole,
    Pledge,
    PledgeEvent,
    ProgressReport,
    Representative,
    RepresentativeInvitation,
)
from employers.permissions import employers_visible_to
from employers.tasks import lapse_due_pledges
from tests.accounts.factories import UserFactory, user_with_role
from tests.employers.factories import (
    PAYROLL_CSV,
    EmployerFactory,
    HireFactory,
    JobRoleFactory,
    PledgeFactory,
    ProgressReportFactory,
    new_representative_of,
    representative_of,
)
from tests.programs.factories import SkillFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Payroll extracts written by the tests go to a throwaway folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


ES = Employer.Status
PS = Pledge.Status
RS = ProgressReport.Status
STAFF = [Role.PROGRAM_MANAGER, Role.ADMINISTRATOR]
NOT_EMPLOYER_STAFF = [Role.WORKER, Role.REVIEWER, Role.FINANCE_OFFICER, Role.OFFICIAL]


def registration(**overrides: object) -> dict:
    fields = {
        "legal_name": "Acme Fabrication LLC",
        "trading_name": "Acme",
        "registration_number": "123456789",
        "naics_code": "332710",
        "size_class": "51-200",
        "region": "North",
        "address": "1 Foundry Road, Springfield",
        "website": "https://acme.example.test/",
    }
    fields.update(overrides)
    return fields


def payroll(content: bytes = PAYROLL_CSV, name: str = "payroll.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def outsider(kind: str, employer: Employer) -> object:
    """Callers who are not the employer's representatives, by kind."""
    if kind == "anonymous":
        return AnonymousUser()
    if kind == "other_employer":
        return representative_of(EmployerFactory())
    if kind == "removed_representative":
        user = new_representative_of(employer)
        Representative.objects.filter(employer=employer, user=user).update(removed_at=timezone.now())
        return user
    if kind == "representative_role_only":
        return user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    return user_with_role(Role(kind))


OUTSIDERS = [
    "anonymous",
    "other_employer",
    "removed_representative",
    "representative_role_only",
    *NOT_EMPLOYER_STAFF,
]


# ---------------------------------------------------------------- registration


def test_a_representative_registers_an_employer_that_awaits_verification() -> None:
    person = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    employer = services.employer_register(actor=person, **registration(registration_number=" 12 3456789 "))
    assert employer.status == ES.PENDING
    assert employer.registration_number == "12-3456789"
    assert employer.created_by == person
    assert list(employer.representatives.values_list("user", flat=True)) == [person.pk]
    assert list(employer.events.values_list("action", "to_status")) == [("registered", "pending")]
    assert employer.display_name == "Acme"


@pytest.mark.parametrize("role", [Role.WORKER, Role.REVIEWER, Role.PROGRAM_MANAGER, Role.OFFICIAL])
def test_only_employer_representatives_register_employers(role: Role) -> None:
    with pytest.raises(NotAllowed):
        services.employer_register(actor=user_with_role(role), **registration())
    assert Employer.objects.count() == 0


def test_a_duplicate_registration_number_points_to_the_existing_representative() -> None:
    EmployerFactory(registration_number="12-3456789", legal_name="First Ltd")
    with pytest.raises(ValidationError) as caught:
        services.employer_register(
            actor=user_with_role(Role.EMPLOYER_REPRESENTATIVE),
            **registration(registration_number="123456789"),
        )
    assert caught.value.message_dict == {
        "registration_number": [
            "An employer with this registration number is already registered. Ask its representative to "
            "invite you (they can do that from their employer page)."
        ]
    }
    assert Employer.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"registration_number": "07-1234567"}, "registration_number"),  # a prefix the IRS never issued
        ({"registration_number": "12-345"}, "registration_number"),
        ({"naics_code": "99"}, "naics_code"),  # not a sector
        ({"naics_code": "5415111"}, "naics_code"),
        ({"size_class": "500+"}, "size_class"),
        ({"legal_name": ""}, "legal_name"),
    ],
)
def test_registration_checks_its_fields(overrides: dict, field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.employer_register(
            actor=user_with_role(Role.EMPLOYER_REPRESENTATIVE), **registration(**overrides)
        )
    assert field in caught.value.message_dict
    assert Employer.objects.count() == 0


def test_a_representative_updates_details_but_not_a_verified_registration_number() -> None:
    employer = EmployerFactory(status=ES.VERIFIED)
    rep = representative_of(employer)
    services.employer_update(actor=rep, employer=employer, region="South", trading_name="Acme North")
    employer.refresh_from_db()
    assert (employer.region, employer.trading_name) == ("South", "Acme North")
    assert employer.events.get(action="updated").payload == {"fields": ["region", "trading_name"]}
    with pytest.raises(ValidationError) as caught:
        services.employer_update(actor=rep, employer=employer, registration_number="12-9999999")
    assert "registration_number" in caught.value.message_dict
    # The same number, written differently, is not a change.
    services.employer_update(actor=rep, employer=employer, registration_number=employer.registration_number)


def test_a_pending_employer_may_correct_its_registration_number_but_not_to_a_taken_one() -> None:
    taken = EmployerFactory()
    employer = EmployerFactory(status=ES.PENDING)
    rep = representative_of(employer)
    services.employer_update(actor=rep, employer=employer, registration_number="139876543")
    employer.refresh_from_db()
    assert employer.registration_number == "13-9876543"
    with pytest.raises(ValidationError) as caught:
        services.employer_update(actor=rep, employer=employer, registration_number=taken.registration_number)
    assert caught.value.message_dict["registration_number"][0].startswith(
        "An employer with this registration"
    )


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_outsiders_cannot_update_an_employer(kind: str) -> None:
    employer = EmployerFactory()
    with pytest.raises(NotAllowed):
        services.employer_update(actor=outsider(kind, employer), employer=employer, region="Elsewhere")
    employer.refresh_from_db()
    assert employer.region == "North"


# ---------------------------------------------------------------- verification


EMPLOYER_MOVES = [(start, end) for start in ES.values for end in (ES.VERIFIED, ES.SUSPENDED)]


@pytest.mark.parametrize("role", STAFF)
@pytest.mark.parametrize(("start", "end"), EMPLOYER_MOVES)
def test_staff_move_employers_exactly_as_the_table_allows(role: Role, start: str, end: str) -> None:
    employer = EmployerFactory(status=start)
    staff = user_with_role(role)
    move = services.employer_verify if end == ES.VERIFIED else services.employer_suspend
    if end in Employer.TRANSITIONS[start]:
        moved = move(actor=staff, employer=employer, reason="Checked the IRS letter")
        assert moved.status == end
        event = employer.events.get(action=end)
        assert (event.from_status, event.to_status, event.actor) == (start, end, staff)
        assert Notice.objects.filter(user=employer.created_by).count() == 1
    else:
        with pytest.raises(Conflict):
            move(actor=staff, employer=employer, reason="Again")
        employer.refresh_from_db()
        assert employer.status == start
        assert not employer.events.exists()


@pytest.mark.parametrize("kind", [*OUTSIDERS, "own_representative"])
@pytest.mark.parametrize("end", [ES.VERIFIED, ES.SUSPENDED])
def test_only_staff_verify_or_suspend(kind: str, end: str) -> None:
    employer = EmployerFactory(status=ES.PENDING)
    actor = representative_of(employer) if kind == "own_representative" else outsider(kind, employer)
    move = services.employer_verify if end == ES.VERIFIED else services.employer_suspend
    with pytest.raises(NotAllowed):
        move(actor=actor, employer=employer, reason="Because")
    employer.refresh_from_db()
    assert employer.status == ES.PENDING
    assert not employer.events.exists()


def test_verification_sets_the_date_and_suspension_needs_a_reason() -> None:
    employer = EmployerFactory(status=ES.PENDING)
    manager = user_with_role(Role.PROGRAM_MANAGER)
    services.employer_verify(actor=manager, employer=employer)
    employer.refresh_from_db()
    assert employer.verified_at is not None
    with pytest.raises(ValidationError) as caught:
        services.employer_suspend(actor=manager, employer=employer, reason="  ")
    assert "reason" in caught.value.message_dict
    employer.refresh_from_db()
    assert employer.status == ES.VERIFIED


# ---------------------------------------------------------------- representatives


def invite_token(django_capture_on_commit_callbacks, actor, employer, email: str) -> str:  # type: ignore[no-untyped-def]
    with django_capture_on_commit_callbacks(execute=True):
        services.representative_invite(actor=actor, employer=employer, email=email)
    match = re.search(r"/employers/invitations/([A-Za-z0-9_\-]+)/", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    return match.group(1)


def test_an_invited_colleague_accepts_and_becomes_a_representative(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    employer = EmployerFactory()
    rep = representative_of(employer)
    token = invite_token(django_capture_on_commit_callbacks, rep, employer, " Colleague@Example.test ")
    invitation = RepresentativeInvitation.objects.get()
    assert invitation.email == "colleague@example.test"
    assert invitation.token_hash != token
    assert len(invitation.token_hash) == 64
    assert mail.outbox[-1].to == ["colleague@example.test"]
    colleague = user_with_role(Role.EMPLOYER_REPRESENTATIVE, email="colleague@example.test")
    representative = services.invitation_accept(actor=colleague, token=token)
    assert representative.employer == employer
    assert representative.added_by == rep
    invitation.refresh_from_db()
    assert invitation.accepted_by == colleague
    assert employers_visible_to(colleague).get() == employer
    assert set(employer.events.values_list("action", flat=True)) == {
        "representative_invited",
        "representative_added",
    }
    # A used invitation cannot be used again.
    with pytest.raises(ValidationError, match="already been used"):
        services.invitation_accept(actor=colleague, token=token)


def test_accepting_grants_the_representative_role_with_an_audit_row(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    employer = EmployerFactory()
    rep = representative_of(employer)
    token = invite_token(django_capture_on_commit_callbacks, rep, employer, "worker@example.test")
    worker = user_with_role(Role.WORKER, email="worker@example.test")
    services.invitation_accept(actor=worker, token=token)
    worker.refresh_from_db()
    assert worker.has_role(Role.EMPLOYER_REPRESENTATIVE)
    change = RoleChange.objects.get(user=worker, role=Role.EMPLOYER_REPRESENTATIVE)
    assert (change.action, change.actor) == ("granted", rep)


def test_an_invitation_is_refused_to_another_email_expired_or_replaced(
    django_capture_on_commit_callbacks,
) -> None:  # type: ignore[no-untyped-def]
    employer = EmployerFactory()
    rep = representative_of(employer)
    token = invite_token(django_capture_on_commit_callbacks, rep, employer, "right@example.test")
    stranger = user_with_role(Role.EMPLOYER_REPRESENTATIVE, email="wrong@example.test")
    with pytest.raises(NotAllowed, match="another email address"):
        services.invitation_accept(actor=stranger, token=token)
    with pytest.raises(ValidationError, match="not valid"):
        services.invitation_accept(actor=stranger, token="made-up")
    right = user_with_role(Role.EMPLOYER_REPRESENTATIVE, email="right@example.test")
    RepresentativeInvitation.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="expired"):
        services.invitation_accept(actor=right, token=token)
    newer = invite_token(django_capture_on_commit_callbacks, rep, employer, "right@example.test")
    with pytest.raises(ValidationError, match="replaced or withdrawn"):
        services.invitation_accept(actor=right, token=token)
    services.invitation_accept(actor=right, token=newer)
    assert Representative.objects.filter(employer=employer, removed_at__isnull=True).count() == 2


def test_staff_accounts_cannot_take_up_an_invitation(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    employer = EmployerFactory()
    token = invite_token(
        django_capture_on_commit_callbacks, representative_of(employer), employer, "pm@example.test"
    )
    manager = user_with_role(Role.PROGRAM_MANAGER, email="pm@example.test")
    with pytest.raises(NotAllowed):
        services.invitation_accept(actor=manager, token=token)
    assert not Representative.objects.filter(user=manager).exists()


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_outsiders_cannot_invite(kind: str) -> None:
    employer = EmployerFactory()
    with pytest.raises(NotAllowed):
        services.representative_invite(
            actor=outsider(kind, employer), employer=employer, email="x@example.test"
        )
    assert not RepresentativeInvitation.objects.exists()


def test_inviting_checks_the_address() -> None:
    employer = EmployerFactory()
    rep = representative_of(employer)
    with pytest.raises(ValidationError) as caught:
        services.representative_invite(actor=rep, employer=employer, email="not an email")
    assert "email" in caught.value.message_dict
    with pytest.raises(ValidationError, match="already represents"):
        services.representative_invite(actor=rep, employer=employer, email=rep.email.upper())


def test_removing_a_representative_is_recorded_and_the_last_one_stays() -> None:
    employer = EmployerFactory()
    first = representative_of(employer)
    second = new_representative_of(employer)
    link = Representative.objects.get(employer=employer, user=second)
    services.representative_remove(actor=first, representative=link, reason="Left the company")
    link.refresh_from_db()
    assert (link.removed_by, link.removal_reason, link.is_active) == (first, "Left the company", False)
    assert employers_visible_to(second).count() == 0
    assert employer.events.get(action="representative_removed").payload["user"] == second.pk
    last = Representative.objects.get(employer=employer, user=first)
    with pytest.raises(ValidationError, match="at least one representative"):
        services.representative_remove(actor=first, representative=last, reason="Leaving")
    last.refresh_from_db()
    assert last.is_active
    with pytest.raises(Conflict):
        services.representative_remove(actor=first, representative=link, reason="Again")


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_outsiders_cannot_remove_a_representative(kind: str) -> None:
    employer = EmployerFactory()
    new_representative_of(employer)
    link = Representative.objects.filter(employer=employer).first()
    with pytest.raises(NotAllowed):
        services.representative_remove(actor=outsider(kind, employer), representative=link, reason="Out")
    link.refresh_from_db()
    assert link.is_active


# ---------------------------------------------------------------- pledges


def pledge_fields(**overrides: object) -> dict:
    today = timezone.localdate()
    fields = {
        "framework_name": "Skills-First Pledge",
        "start_date": today - timedelta(days=30),
        "target_date": today + timedelta(days=700),
        "roles_converted_target": 3,
        "non_degree_hires_target": "10",
        "wage_floor": "42000.00",
    }
    fields.update(overrides)
    return fields


def test_a_representative_drafts_updates_and_submits_a_pledge() -> None:
    employer = EmployerFactory(status=ES.PENDING)  # drafting does not wait for verification
    rep = representative_of(employer)
    pledge = services.pledge_create(actor=rep, employer=employer, **pledge_fields())
    assert (pledge.status, pledge.non_degree_hires_target, pledge.wage_floor) == (
        PS.DRAFT,
        10,
        Decimal("42000.00"),
    )
    services.pledge_update(actor=rep, pledge=pledge, priority_group_hires_target=2)
    services.pledge_submit(actor=rep, pledge=pledge)
    pledge.refresh_from_db()
    assert pledge.status == PS.SUBMITTED
    assert pledge.submitted_at is not None
    assert list(pledge.events.values_list("action", flat=True)) == ["created", "updated", "submitted"]
    with pytest.raises(Conflict):
        services.pledge_update(actor=rep, pledge=pledge, roles_converted_target=9)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_date": timezone.localdate() - timedelta(days=31)}, "target_date"),
        ({"roles_converted_target": -1}, "roles_converted_target"),
        ({"wage_floor": "12.345"}, "wage_floor"),
        ({"framework_name": ""}, "framework_name"),
    ],
)
def test_pledge_fields_are_checked(overrides: dict, field: str) -> None:
    employer = EmployerFactory()
    with pytest.raises(ValidationError) as caught:
        services.pledge_create(
            actor=representative_of(employer), employer=employer, **pledge_fields(**overrides)
        )
    assert field in caught.value.message_dict
    assert not Pledge.objects.exists()


def test_a_pledge_without_any_commitment_cannot_be_submitted() -> None:
    pledge = PledgeFactory(
        roles_converted_target=0,
        credential_holder_hires_target=0,
        non_degree_hires_target=0,
        priority_group_hires_target=0,
    )
    with pytest.raises(ValidationError, match="at least one commitment"):
        services.pledge_submit(actor=representative_of(pledge.employer), pledge=pledge)
    pledge.refresh_from_db()
    assert pledge.status == PS.DRAFT


def met_pledge(status: str) -> Pledge:
    """A pledge whose only commitment (one converted role) verified figures meet."""
    pledge = PledgeFactory(
        status=status,
        roles_converted_target=1,
        credential_holder_hires_target=0,
        non_degree_hires_target=0,
        priority_group_hires_target=0,
    )
    ProgressReportFactory(pledge=pledge, status=RS.VERIFIED, roles_converted=1)
    return pledge


def run_move(end: str, pledge: Pledge, rep: object, staff: object) -> Pledge:
    if end == PS.SUBMITTED:
        return services.pledge_submit(actor=rep, pledge=pledge)
    if end == PS.ACTIVE:
        return services.pledge_activate(actor=staff, pledge=pledge)
    if end == PS.RETURNED:
        return services.pledge_return(actor=staff, pledge=pledge, reason="Make the hiring target concrete")
    if end == PS.WITHDRAWN:
        return services.pledge_withdraw(actor=rep, pledge=pledge, reason="Hiring freeze")
    if end == PS.FULFILLED:
        return services.pledge_fulfil(actor=staff, pledge=pledge)
    raise AssertionError(end)


SERVICE_MOVES = [PS.SUBMITTED, PS.ACTIVE, PS.RETURNED, PS.WITHDRAWN, PS.FULFILLED]


@pytest.mark.parametrize("start", PS.values)
@pytest.mark.parametrize("end", SERVICE_MOVES)
def test_pledges_move_exactly_as_the_table_allows(start: str, end: str) -> None:
    pledge = met_pledge(start)
    rep = representative_of(pledge.employer)
    staff = user_with_role(Role.PROGRAM_MANAGER)
    if end in Pledge.TRANSITIONS[start]:
        moved = run_move(end, pledge, rep, staff)
        assert moved.status == end
        event = pledge.events.get()
        assert (event.from_status, event.to_status) == (start, end)
    else:
        with pytest.raises(Conflict):
            run_move(end, pledge, rep, staff)
        pledge.refresh_from_db()
        assert pledge.status == start
        assert not pledge.events.exists()


REP_MOVES = {PS.SUBMITTED: PS.DRAFT, PS.WITHDRAWN: PS.DRAFT}
STAFF_MOVES = {PS.ACTIVE: PS.SUBMITTED, PS.RETURNED: PS.SUBMITTED, PS.FULFILLED: PS.ACTIVE}


@pytest.mark.parametrize("kind", [*OUTSIDERS, "program_manager", "administrator"])
@pytest.mark.parametrize("end", list(REP_MOVES))
def test_only_the_employers_representatives_submit_or_withdraw(kind: str, end: str) -> None:
    pledge = met_pledge(REP_MOVES[end])
    with pytest.raises(NotAllowed):
        run_move(end, pledge, outsider(kind, pledge.employer), None)
    pledge.refresh_from_db()
    assert pledge.status == REP_MOVES[end]
    assert not pledge.events.exists()


@pytest.mark.parametrize("kind", [*OUTSIDERS, "own_representative"])
@pytest.mark.parametrize("end", list(STAFF_MOVES))
def test_only_staff_activate_return_or_fulfil(kind: str, end: str) -> None:
    pledge = met_pledge(STAFF_MOVES[end])
    actor = (
        representative_of(pledge.employer)
        if kind == "own_representative"
        else outsider(kind, pledge.employer)
    )
    with pytest.raises(NotAllowed):
        run_move(end, pledge, None, actor)
    pledge.refresh_from_db()
    assert pledge.status == STAFF_MOVES[end]
    assert not pledge.events.exists()


@pytest.mark.parametrize("employer_status", [ES.PENDING, ES.SUSPENDED])
def test_only_a_verified_employers_pledge_becomes_active(employer_status: str) -> None:
    pledge = PledgeFactory(status=PS.SUBMITTED, employer=EmployerFactory(status=employer_status))
    with pytest.raises(Conflict, match="Verify the employer"):
        services.pledge_activate(actor=user_with_role(Role.ADMINISTRATOR), pledge=pledge)
    pledge.refresh_from_db()
    assert pledge.status == PS.SUBMITTED


def test_activation_and_return_tell_the_representatives() -> None:
    pledge = PledgeFactory(status=PS.SUBMITTED)
    staff = user_with_role(Role.PROGRAM_MANAGER)
    with pytest.raises(ValidationError):
        services.pledge_return(actor=staff, pledge=pledge, reason="")
    services.pledge_return(actor=staff, pledge=pledge, reason="Add a wage floor")
    pledge.refresh_from_db()
    assert pledge.staff_note == "Add a wage floor"
    rep = representative_of(pledge.employer)
    services.pledge_submit(actor=rep, pledge=pledge)
    services.pledge_activate(actor=staff, pledge=pledge)
    subjects = list(Notice.objects.filter(user=rep).values_list("subject", flat=True))
    assert any("needs changes" in s for s in subjects)
    assert any("is active" in s for s in subjects)


def test_withdrawing_an_active_pledge_needs_a_reason_but_a_draft_does_not() -> None:
    active = PledgeFactory(status=PS.ACTIVE)
    rep = representative_of(active.employer)
    with pytest.raises(ValidationError):
        services.pledge_withdraw(actor=rep, pledge=active, reason="")
    draft = PledgeFactory(status=PS.DRAFT, employer=active.employer)
    assert services.pledge_withdraw(actor=rep, pledge=draft).status == PS.WITHDRAWN
    active.refresh_from_db()
    assert active.status == PS.ACTIVE


def test_fulfilment_needs_every_commitment_met_by_verified_figures() -> None:
    pledge = PledgeFactory(
        status=PS.ACTIVE,
        roles_converted_target=2,
        non_degree_hires_target=5,
        credential_holder_hires_target=0,
        priority_group_hires_target=0,
    )
    # Reported (not verified) figures do not count.
    ProgressReportFactory(
        pledge=pledge, status=RS.SUBMITTED, roles_converted=5, hires_total=9, hires_without_degree=9
    )
    ProgressReportFactory(pledge=pledge, status=RS.VERIFIED, roles_converted=2, hires_without_degree=4)
    staff = user_with_role(Role.PROGRAM_MANAGER)
    with pytest.raises(ValidationError, match="without a four-year degree"):
        services.pledge_fulfil(actor=staff, pledge=pledge)
    ProgressReportFactory(
        pledge=pledge,
        status=RS.VERIFIED,
        roles_converted=0,
        hires_total=1,
        hires_credential_holders=0,
        hires_without_degree=1,
        hires_priority_groups=0,
    )
    assert services.pledge_fulfil(actor=staff, pledge=pledge).status == PS.FULFILLED


# ---------------------------------------------------------------- lapse on the target date


def test_pledges_past_their_target_date_lapse_or_are_fulfilled() -> None:
    today = timezone.localdate()
    unmet = PledgeFactory(status=PS.ACTIVE, target_date=today - timedelta(days=1))
    met = met_pledge(PS.ACTIVE)
    Pledge.objects.filter(pk=met.pk).update(target_date=today - timedelta(days=3))
    due_today = PledgeFactory(status=PS.ACTIVE, target_date=today)  # its last day is today: not yet
    draft = PledgeFactory(status=PS.DRAFT, target_date=today - timedelta(days=5))
    assert services.pledges_lapse_due(today=today) == {"fulfilled": 1, "lapsed": 1}
    for pledge, status in [
        (unmet, PS.LAPSED),
        (met, PS.FULFILLED),
        (due_today, PS.ACTIVE),
        (draft, PS.DRAFT),
    ]:
        pledge.refresh_from_db()
        assert pledge.status == status
    lapsed_event = unmet.events.get()
    assert (lapsed_event.action, lapsed_event.actor, lapsed_event.to_status) == (
        "lapsed_on_target_date",
        None,
        "lapsed",
    )
    assert "unmet" in lapsed_event.reason
    assert unmet.closed_at is not None or Pledge.objects.get(pk=unmet.pk).closed_at is not None
    assert Notice.objects.filter(user=unmet.employer.created_by, subject__contains="lapsed").count() == 1
    # A second run finds nothing to do.
    assert services.pledges_lapse_due(today=today) == {"fulfilled": 0, "lapsed": 0}
    assert services.pledges_lapse_due(today=today + timedelta(days=1)) == {"fulfilled": 0, "lapsed": 1}


def test_the_command_and_the_task_close_due_pledges(capsys: pytest.CaptureFixture[str]) -> None:
    today = timezone.localdate()
    first = PledgeFactory(status=PS.ACTIVE, target_date=today - timedelta(days=1))
    call_command("lapse_pledges", verbosity=0)
    assert "0 fulfilled, 1 lapsed" in capsys.readouterr().out
    first.refresh_from_db()
    assert first.status == PS.LAPSED
    second = PledgeFactory(status=PS.ACTIVE, target_date=today + timedelta(days=10))
    call_command("lapse_pledges", "--today", (today + timedelta(days=11)).isoformat(), verbosity=0)
    second.refresh_from_db()
    assert second.status == PS.LAPSED
    PledgeFactory(status=PS.ACTIVE, target_date=today - timedelta(days=2))
    result = lapse_due_pledges.enqueue()
    assert result.return_value == {"fulfilled": 0, "lapsed": 1}


def test_the_command_refuses_a_bad_date() -> None:
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="date like"):
        call_command("lapse_pledges", "--today", "yesterday", verbosity=0)


# ---------------------------------------------------------------- job roles


def test_a_representative_lists_and_closes_a_job_role() -> None:
    employer = EmployerFactory()
    rep = representative_of(employer)
    pledge = PledgeFactory(employer=employer, status=PS.ACTIVE)
    skills = [SkillFactory(), SkillFactory()]
    role = services.job_role_save(
        actor=rep,
        employer=employer,
        skills=[skills[0], skills[1].pk],
        title="CNC machinist",
        pledge=pledge,
        degree_required_before=True,
        degree_required_after=False,
        assessment_method=JobRole.AssessmentMethod.WORK_SAMPLE,
        wage_min="41000",
        wage_max="52000.50",
        open_positions=3,
    )
    assert role.degree_requirement_removed
    assert set(role.skills.all()) == set(skills)
    assert role.effective_region == "North"
    services.job_role_save(actor=rep, employer=employer, job_role=role, open_positions=4)
    role.refresh_from_db()
    assert role.open_positions == 4
    assert role.skills.count() == 2
    services.job_role_close(actor=rep, job_role=role)
    role.refresh_from_db()
    assert not role.is_open
    assert list(employer.events.values_list("action", flat=True)) == [
        "job_role_created",
        "job_role_updated",
        "job_role_closed",
    ]
    with pytest.raises(Conflict):
        services.job_role_close(actor=rep, job_role=role)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"wage_min": "60000", "wage_max": "50000"}, "wage_max"),
        ({"wage_min": "-1", "wage_max": "50000"}, "wage_min"),
        ({"assessment_method": "vibes"}, "assessment_method"),
        ({"title": ""}, "title"),
    ],
)
def test_job_role_fields_are_checked(overrides: dict, field: str) -> None:
    employer = EmployerFactory()
    fields = {"title": "Welder", "assessment_method": "skills_test", "wage_min": "40000", "wage_max": "50000"}
    fields.update(overrides)
    with pytest.raises(ValidationError) as caught:
        services.job_role_save(actor=representative_of(employer), employer=employer, **fields)
    assert field in caught.value.message_dict
    assert not JobRole.objects.exists()


def test_a_role_cannot_hang_on_another_employers_pledge_or_unknown_skills() -> None:
    employer = EmployerFactory()
    rep = representative_of(employer)
    foreign = PledgeFactory()
    fields = {"title": "Welder", "assessment_method": "skills_test", "wage_min": "40000", "wage_max": "50000"}
    with pytest.raises(ValidationError) as caught:
        services.job_role_save(actor=rep, employer=employer, pledge=foreign, **fields)
    assert "pledge" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        services.job_role_save(actor=rep, employer=employer, skills=[999999], **fields)
    assert "skills" in caught.value.message_dict
    assert not JobRole.objects.exists()


@pytest.mark.parametrize("kind", OUTSIDERS)
def test_outsiders_cannot_save_or_close_roles(kind: str) -> None:
    role = JobRoleFactory()
    actor = outsider(kind, role.employer)
    with pytest.raises(NotAllowed):
        services.job_role_save(actor=actor, employer=role.employer, job_role=role, title="Changed")
    with pytest.raises(NotAllowed):
        services.job_role_close(actor=actor, job_role=role)
    # A representative of another employer cannot reach this role through their own employer either.
    if kind == "other_employer":
        other = actor.representations.get().employer  # type: ignore[attr-defined]
        with pytest.raises(NotAllowed):
            services.job_role_save(actor=actor, employer=other, job_role=role, title="Changed")
    role.refresh_from_db()
    assert role.is_open
    assert role.title.startswith("Network technician")


# ---------------------------------------------------------------- progress reports


def last_quarter() -> tuple[int, int]:
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def report_figures(**overrides: object) -> dict:
    figures = {
        "roles_converted": 2,
        "hires_total": 10,
        "hires_credential_holders": 4,
        "hires_without_degree": 7,
        "hires_priority_groups": 3,
    }
    figures.update(overrides)
    return figures


def test_a_representative_reports_a_quarter_with_a_payroll_extract() -> None:
    pledge = PledgeFactory(status=PS.ACTIVE)
    rep = representative_of(pledge.employer)
    year, quarter = last_quarter()
    report = services.progress_report_submit(
        actor=rep, pledge=pledge, year=year, quarter=quarter, evidence=payroll(), **report_figures()
    )
    assert (report.status, report.hires_without_degree, report.evidence_name) == (
        RS.SUBMITTED,
        7,
        "payroll.csv",
    )
    assert report.evidence.name.endswith(".csv")
    assert "payroll" not in report.evidence.name
    assert len(report.evidence_sha256) == 64
    assert report.verified_hires_total is None
    event = pledge.events.get(action="report_submitted")
    assert event.payload["report"] == report.pk
    with pytest.raises(ValidationError, match="already been reported"):
        services.progress_report_submit(
            actor=rep, pledge=pledge, year=year, quarter=quarter, evidence=payroll(), **report_figures()
        )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hires_without_degree": 11}, "hires_without_degree"),
        ({"hires_credential_holders": 11}, "hires_credential_holders"),
        ({"hires_priority_groups": 11}, "hires_priority_groups"),
        ({"hires_total": -1}, "hires_total"),
        ({"roles_converted": "many"}, "roles_converted"),
        ({"quarter": 5}, "quarter"),
        ({"evidence": SimpleUploadedFile("payroll.csv", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)}, "evidence"),
        ({"evidence": SimpleUploadedFile("payroll.csv", b"just some words")}, "evidence"),
    ],
)
def test_report_figures_and_evidence_are_checked(changes: dict, field: str) -> None:
    pledge = PledgeFactory(status=PS.ACTIVE)
    year, quarter = last_quarter()
    arguments = {"year": year, "quarter": quarter, "evidence": payroll(), **report_figures()}
    arguments.update(changes)
    with pytest.raises(ValidationError) as caught:
        services.progress_report_submit(actor=representative_of(pledge.employer), pledge=pledge, **arguments)
    assert field in caught.value.message_dict
    assert not ProgressReport.objects.exists()


def test_a_quarter_must_have_started_and_not_end_before_the_pledge() -> None:
    today = timezone.localdate()
    pledge = PledgeFactory(status=PS.ACTIVE, start_date=date(today.year - 1, 5, 10))
    rep = representative_of(pledge.employer)
    with pytest.raises(ValidationError, match="not started"):
        services.progress_report_submit(
            actor=rep, pledge=pledge, year=today.year + 1, quarter=1, evidence=payroll(), **report_figures()
        )
    with pytest.raises(ValidationError, match="before the pledge started"):
        services.progress_report_submit(
            actor=rep, pledge=pledge, year=today.year - 1, quarter=1, evidence=payroll(), **report_figures()
        )
    # The quarter the pledge starts in counts.
    services.progress_report_submit(
        actor=rep, pledge=pledge, year=today.year - 1, quarter=2, evidence=payroll(), **report_figures()
    )


@pytest.mark.parametrize(
    "status", [PS.DRAFT, PS.SUBMITTED, PS.RETURNED, PS.FULFILLED, PS.LAPSED, PS.WITHDRAWN]
)
def test_reports_are_for_active_pledges_only(status: str) -> None:
    pledge = PledgeFactory(status=status)
    year, quarter = last_quarter()
    with pytest.raises(Conflict):
        services.progress_report_submit(
            actor=representative_of(pledge.employer),
            pledge=pledge,
            year=year,
            quarter=quarter,
            evidence=payroll(),
            **report_figures(),
        )


@pytest.mark.parametrize("kind", [*OUTSIDERS, "program_manager"])
def test_outsiders_cannot_report_progress(kind: str) -> None:
    pledge = PledgeFactory(status=PS.ACTIVE)
    year, quarter = last_quarter()
    with pytest.raises(NotAllowed):
        services.progress_report_submit(
            actor=outsider(kind, pledge.employer),
            pledge=pledge,
            year=year,
            quarter=quarter,
            evidence=payroll(),
            **report_figures(),
        )
    assert not ProgressReport.objects.exists()


def test_staff_verify_with_corrections_and_cover_recorded_hires() -> None:
    pledge = PledgeFactory(status=PS.ACTIVE)
    report = ProgressReportFactory(
        pledge=pledge, year=2025, quarter=2, hires_total=10, hires_without_degree=6
    )
    in_quarter = HireFactory(
        job_role=JobRoleFactory(employer=pledge.employer, pledge=pledge), hired_on=date(2025, 5, 1)
    )
    outside = HireFactory(job_role=in_quarter.job_role, hired_on=date(2025, 7, 1))
    staff = user_with_role(Role.PROGRAM_MANAGER)
    verified = services.progress_report_verify(
        actor=staff, report=report, verified_hires_without_degree=5, note="One hire holds a degree"
    )
    assert verified.status == RS.VERIFIED
    assert (verified.verified_hires_total, verified.verified_hires_without_degree) == (10, 5)
    assert verified.verified_roles_converted == report.roles_converted
    event = pledge.events.get(action="report_verified")
    assert event.payload["corrections"] == {"verified_hires_without_degree": {"reported": 6, "verified": 5}}
    in_quarter.refresh_from_db()
    outside.refresh_from_db()
    assert (in_quarter.source, outside.source) == (Hire.Source.VERIFIED, Hire.Source.EMPLOYER_REPORTED)
    with pytest.raises(Conflict):
        services.progress_report_verify(actor=staff, report=report)


def test_verified_figures_are_checked_like_reported_ones() -> None:
    report = ProgressReportFactory(hires_total=10)
    with pytest.raises(ValidationError) as caught:
        services.progress_report_verify(
            actor=user_with_role(Role.PROGRAM_MANAGER), report=report, verified_hires_total=3
        )
    assert set(caught.value.message_dict) >= {"verified_hires_without_degree"}
    report.refresh_from_db()
    assert report.status == RS.SUBMITTED


def test_a_returned_report_is_corrected_and_resubmitted_in_place() -> None:
    pledge = PledgeFactory(status=PS.ACTIVE)
    rep = representative_of(pledge.employer)
    year, quarter = last_quarter()
    report = services.progress_report_submit(
        actor=rep, pledge=pledge, year=year, quarter=quarter, evidence=payroll(), **report_figures()
    )
    staff = user_with_role(Role.ADMINISTRATOR)
    with pytest.raises(ValidationError):
        services.progress_report_return(actor=staff, report=report, note=" ")
    services.progress_report_return(actor=staff, report=report, note="The extract misses March")
    again = services.progress_report_submit(
        actor=rep,
        pledge=pledge,
        year=year,
        quarter=quarter,
        evidence=payroll(),
        **report_figures(hires_total=12),
    )
    assert again.pk == report.pk
    assert (again.status, again.hires_total) == (RS.SUBMITTED, 12)
    assert list(pledge.events.values_list("action", flat=True)) == [
        "report_submitted",
        "report_returned",
        "report_resubmitted",
    ]


@pytest.mark.parametrize("kind", [*OUTSIDERS, "own_representative"])
def test_only_staff_verify_or_return_reports(kind: str) -> None:
    report = ProgressReportFactory()
    employer = report.pledge.employer
    actor = representative_of(employer) if kind == "own_representative" else outsider(kind, employer)
    with pytest.raises(NotAllowed):
        services.progress_report_verify(actor=actor, report=report)
    with pytest.raises(NotAllowed):
        services.progress_report_return(actor=actor, report=report, note="No")
    report.refresh_from_db()
    assert report.status == RS.SUBMITTED
    assert not PledgeEvent.objects.exists()


# ---------------------------------------------------------------- hires and candidate invitations


def hiring_setup(
    employer_status: str = ES.VERIFIED, pledge_status: str = PS.ACTIVE
) -> tuple[JobRole, object]:
    employer = EmployerFactory(status=employer_status)
    pledge = PledgeFactory(employer=employer, status=pledge_status)
    return JobRoleFactory(employer=employer, pledge=pledge), representative_of(employer)


def test_a_representative_records_a_hire_against_the_active_pledge() -> None:
    role, rep = hiring_setup()
    worker = user_with_role(Role.WORKER)
    hire = services.hire_record(
        actor=rep,
        job_role=role,
        worker=worker,
        hired_on=timezone.localdate(),
        annual_wage="51000",
        has_four_year_degree=False,
    )
    assert (hire.pledge, hire.source, hire.annual_wage) == (
        role.pledge,
        Hire.Source.EMPLOYER_REPORTED,
        Decimal("51000.00"),
    )
    assert role.pledge.events.get(action="hire_recorded").payload == {"hire": hire.pk, "job_role": role.pk}
    with pytest.raises(Conflict):
        services.hire_record(
            actor=rep, job_role=role, worker=worker, hired_on=timezone.localdate(), has_four_year_degree=False
        )


def test_a_role_without_its_own_active_pledge_counts_toward_the_employers_active_pledge() -> None:
    employer = EmployerFactory()
    active = PledgeFactory(employer=employer, status=PS.ACTIVE)
    role = JobRoleFactory(employer=employer, pledge=PledgeFactory(employer=employer, status=PS.WITHDRAWN))
    hire = services.hire_record(
        actor=representative_of(employer),
        job_role=role,
        worker=user_with_role(Role.WORKER),
        hired_on=timezone.localdate(),
        has_four_year_degree=True,
    )
    assert hire.pledge == active


@pytest.mark.parametrize(
    ("employer_status", "pledge_status", "error"),
    [
        (ES.PENDING, PS.ACTIVE, Conflict),
        (ES.SUSPENDED, PS.ACTIVE, Conflict),
        (ES.VERIFIED, PS.SUBMITTED, Conflict),
        (ES.VERIFIED, PS.LAPSED, Conflict),
    ],
)
def test_hires_need_a_verified_employer_with_an_active_pledge(
    employer_status: str, pledge_status: str, error: type
) -> None:
    role, rep = hiring_setup(employer_status, pledge_status)
    with pytest.raises(error):
        services.hire_record(
            actor=rep,
            job_role=role,
            worker=user_with_role(Role.WORKER),
            hired_on=timezone.localdate(),
            has_four_year_degree=False,
        )
    assert not Hire.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hired_on": timezone.localdate() + timedelta(days=1)}, "hired_on"),
        ({"hired_on": timezone.localdate() - timedelta(days=400)}, "hired_on"),  # before the pledge
        ({"hired_on": "2026-01-01"}, "hired_on"),
        ({"annual_wage": "abc"}, "annual_wage"),
        ({"worker": "staff"}, "worker"),
    ],
)
def test_hire_details_are_checked(changes: dict, field: str) -> None:
    role, rep = hiring_setup()
    arguments = {
        "worker": user_with_role(Role.WORKER),
        "hired_on": timezone.localdate(),
        "has_four_year_degree": False,
    }
    arguments.update(changes)
    if arguments["worker"] == "staff":
        arguments["worker"] = user_with_role(Role.REVIEWER)
    with pytest.raises(ValidationError) as caught:
        services.hire_record(actor=rep, job_role=role, **arguments)
    assert field in caught.value.message_dict
    assert not Hire.objects.exists()


@pytest.mark.parametrize("kind", [*OUTSIDERS, "program_manager"])
def test_outsiders_cannot_record_hires_or_invite_candidates(kind: str) -> None:
    role, _rep = hiring_setup()
    actor = outsider(kind, role.employer)
    worker = user_with_role(Role.WORKER)
    with pytest.raises(NotAllowed):
        services.hire_record(
            actor=actor,
            job_role=role,
            worker=worker,
            hired_on=timezone.localdate(),
            has_four_year_degree=False,
        )
    with pytest.raises(NotAllowed):
        services.candidate_invitation_create(actor=actor, job_role=role, worker=worker)
    assert not Hire.objects.exists()
    assert not CandidateInvitation.objects.exists()


def test_a_representative_invites_a_candidate_who_is_told() -> None:
    role, rep = hiring_setup()
    worker = user_with_role(Role.WORKER)
    invitation = services.candidate_invitation_create(
        actor=rep, job_role=role, worker=worker, message=" Apply! "
    )
    assert (invitation.message, invitation.invited_by) == ("Apply!", rep)
    notice = Notice.objects.get(user=worker)
    assert role.title in notice.subject
    assert notice.body == "Apply!"
    assert EmployerEvent.objects.filter(action="candidate_invited").count() == 1
    with pytest.raises(Conflict):
        services.candidate_invitation_create(actor=rep, job_role=role, worker=worker)
    services.job_role_close(actor=rep, job_role=role)
    with pytest.raises(Conflict, match="closed"):
        services.candidate_invitation_create(actor=rep, job_role=role, worker=user_with_role(Role.WORKER))


def test_unverified_employers_cannot_invite_candidates() -> None:
    role, rep = hiring_setup(employer_status=ES.PENDING)
    with pytest.raises(Conflict):
        services.candidate_invitation_create(actor=rep, job_role=role, worker=user_with_role(Role.WORKER))


def test_a_hire_keeps_no_demographics() -> None:
    fields = {f.name for f in Hire._meta.get_fields()}
    assert not fields & {"race_ethnicity", "sex", "veteran", "disability", "date_of_birth"}
    assert UserFactory  # the worker is a plain account reference


# ---------------------------------------------------------------- concurrency (PostgreSQL)


def race(calls: list) -> list[str]:  # type: ignore[type-arg]
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(call) -> None:  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            call()
            result = "ok"
        except Conflict:
            result = "conflict"
        except Exception as error:  # noqa: BLE001 - any other outcome fails the test
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attempt, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_activations_and_returns_of_one_pledge_let_exactly_one_win() -> None:
    pledge = PledgeFactory(status=PS.SUBMITTED)
    manager = user_with_role(Role.PROGRAM_MANAGER)
    administrator = user_with_role(Role.ADMINISTRATOR)
    outcomes = race(
        [
            lambda: services.pledge_activate(actor=manager, pledge=pledge),
            lambda: services.pledge_activate(actor=administrator, pledge=pledge),
            lambda: services.pledge_return(actor=manager, pledge=pledge, reason="Change it"),
        ]
    )
    assert outcomes == ["conflict", "conflict", "ok"]
    assert pledge.events.count() == 1
    pledge.refresh_from_db()
    assert pledge.status in (PS.ACTIVE, PS.RETURNED)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_withdrawals_of_one_pledge_write_one_event() -> None:
    pledge = PledgeFactory(status=PS.ACTIVE)
    first = representative_of(pledge.employer)
    second = new_representative_of(pledge.employer)
    outcomes = race(
        [
            lambda: services.pledge_withdraw(actor=first, pledge=pledge, reason="Freeze"),
            lambda: services.pledge_withdraw(actor=second, pledge=pledge, reason="Freeze"),
        ]
    )
    assert outcomes == ["conflict", "ok"]
    assert pledge.events.filter(action="withdrawn").count() == 1
