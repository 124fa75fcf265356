"""Who sees which employer records: a representative sees their employer's only (404 for the rest),
employer staff see all, officials and everyone else see none."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.utils import timezone

from accounts.permissions import get_visible_or_404
from accounts.roles import Role
from employers.models import Representative
from employers.permissions import (
    can_register_employer,
    can_see_report_evidence,
    can_verify_employers,
    employers_visible_to,
    hires_visible_to,
    is_active_representative,
    job_roles_visible_to,
    pledges_visible_to,
    reports_visible_to,
    representatives_visible_to,
)
from tests.accounts.factories import user_with_role
from tests.employers.factories import (
    EmployerFactory,
    HireFactory,
    JobRoleFactory,
    PledgeFactory,
    ProgressReportFactory,
    new_representative_of,
    representative_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Payroll extracts written by the tests go to a throwaway folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


VISIBLE = {
    "employer": employers_visible_to,
    "pledge": pledges_visible_to,
    "job_role": job_roles_visible_to,
    "report": reports_visible_to,
    "hire": hires_visible_to,
    "representative": representatives_visible_to,
}


@pytest.fixture
def two_employers() -> dict:
    """Each employer with a pledge, a role, a report, a hire; keyed by 'ours' and 'theirs'."""
    world = {}
    for side in ("ours", "theirs"):
        employer = EmployerFactory()
        pledge = PledgeFactory(employer=employer, status="active")
        role = JobRoleFactory(employer=employer, pledge=pledge)
        world[side] = {
            "employer": employer,
            "pledge": pledge,
            "job_role": role,
            "report": ProgressReportFactory(pledge=pledge),
            "hire": HireFactory(job_role=role),
            "representative": Representative.objects.get(employer=employer),
        }
    return world


@pytest.mark.parametrize("kind", list(VISIBLE))
def test_a_representative_sees_their_employers_records_and_gets_404_for_others(two_employers, kind) -> None:  # type: ignore[no-untyped-def]
    rep = representative_of(two_employers["ours"]["employer"])
    visible = VISIBLE[kind](rep)
    assert get_visible_or_404(visible, pk=two_employers["ours"][kind].pk) == two_employers["ours"][kind]
    with pytest.raises(Http404):
        get_visible_or_404(visible, pk=two_employers["theirs"][kind].pk)
    assert set(visible) == {two_employers["ours"][kind]}


@pytest.mark.parametrize("role", [Role.PROGRAM_MANAGER, Role.ADMINISTRATOR])
@pytest.mark.parametrize("kind", list(VISIBLE))
def test_employer_staff_see_every_employers_records(two_employers, kind, role) -> None:  # type: ignore[no-untyped-def]
    visible = VISIBLE[kind](user_with_role(role))
    assert {two_employers["ours"][kind], two_employers["theirs"][kind]} <= set(visible)


@pytest.mark.parametrize(
    "caller",
    [
        "anonymous",
        Role.WORKER,
        Role.REVIEWER,
        Role.FINANCE_OFFICER,
        Role.OFFICIAL,
        "unattached_representative",
        "removed_representative",
        "inactive_representative",
    ],
)
@pytest.mark.parametrize("kind", ["employer", "pledge", "job_role", "report", "representative"])
def test_everyone_else_sees_no_employer_records(two_employers, kind, caller) -> None:  # type: ignore[no-untyped-def]
    employer = two_employers["ours"]["employer"]
    if caller == "anonymous":
        user = AnonymousUser()
    elif caller == "unattached_representative":
        user = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    elif caller == "removed_representative":
        user = new_representative_of(employer)
        Representative.objects.filter(user=user).update(removed_at=timezone.now())
    elif caller == "inactive_representative":
        user = new_representative_of(employer)
        user.is_active = False
        user.save(update_fields=["is_active"])
    else:
        user = user_with_role(caller)
    assert list(VISIBLE[kind](user)) == []


def test_a_representative_without_the_role_any_more_sees_nothing(two_employers) -> None:  # type: ignore[no-untyped-def]
    rep = representative_of(two_employers["ours"]["employer"])
    rep.groups.clear()
    rep.refresh_from_db()
    assert list(employers_visible_to(rep)) == []
    assert not is_active_representative(rep, two_employers["ours"]["employer"])


def test_a_worker_sees_only_their_own_hires(two_employers) -> None:  # type: ignore[no-untyped-def]
    hire = two_employers["ours"]["hire"]
    assert list(hires_visible_to(hire.worker)) == [hire]
    assert list(hires_visible_to(user_with_role(Role.WORKER))) == []
    assert list(hires_visible_to(AnonymousUser())) == []
    assert list(hires_visible_to(user_with_role(Role.OFFICIAL))) == []


def test_is_active_representative(two_employers) -> None:  # type: ignore[no-untyped-def]
    ours, theirs = two_employers["ours"]["employer"], two_employers["theirs"]["employer"]
    rep = representative_of(ours)
    assert is_active_representative(rep, ours)
    assert is_active_representative(rep, ours.pk)
    decision = is_active_representative(rep, theirs)
    assert not decision
    assert decision.reason == "Only this employer's representatives can do this."
    assert not is_active_representative(AnonymousUser(), ours)
    assert not is_active_representative(user_with_role(Role.ADMINISTRATOR), ours)


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.PROGRAM_MANAGER, True),
        (Role.ADMINISTRATOR, True),
        (Role.REVIEWER, False),
        (Role.FINANCE_OFFICER, False),
        (Role.OFFICIAL, False),
        (Role.WORKER, False),
        (Role.EMPLOYER_REPRESENTATIVE, False),
    ],
)
def test_who_verifies_employers(role: Role, allowed: bool) -> None:
    assert bool(can_verify_employers(user_with_role(role))) is allowed
    assert not can_verify_employers(AnonymousUser())


def test_who_registers_employers() -> None:
    assert can_register_employer(user_with_role(Role.EMPLOYER_REPRESENTATIVE))
    assert not can_register_employer(user_with_role(Role.WORKER))
    assert not can_register_employer(AnonymousUser())


def test_report_evidence_is_for_the_employer_and_employer_staff(two_employers) -> None:  # type: ignore[no-untyped-def]
    report = two_employers["ours"]["report"]
    assert can_see_report_evidence(representative_of(report.pledge.employer), report)
    assert can_see_report_evidence(user_with_role(Role.PROGRAM_MANAGER), report)
    assert not can_see_report_evidence(representative_of(two_employers["theirs"]["employer"]), report)
    assert not can_see_report_evidence(user_with_role(Role.OFFICIAL), report)
    assert not can_see_report_evidence(AnonymousUser(), report)
