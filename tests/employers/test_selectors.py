"""Pledge progress from verified figures only, the in-name-only flag, and bounded list queries."""

from decimal import Decimal

import pytest

from accounts.roles import Role
from employers.models import Employer, Hire, Pledge, ProgressReport, Representative
from employers.selectors import (
    employer_list,
    employers_for_user,
    in_name_only,
    pledge_progress,
    pledges_for_staff_review,
    pledges_with_progress,
    public_pledges,
    reports_awaiting_verification,
)
from tests.accounts.factories import user_with_role
from tests.employers.factories import (
    EmployerFactory,
    HireFactory,
    JobRoleFactory,
    PledgeFactory,
    ProgressReportFactory,
    representative_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Payroll extracts written by the tests go to a throwaway folder."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


PS = Pledge.Status
RS = ProgressReport.Status


def verified(pledge: Pledge, quarter: int, **figures: int) -> ProgressReport:
    base = {
        "roles_converted": 0,
        "hires_total": 0,
        "hires_credential_holders": 0,
        "hires_without_degree": 0,
        "hires_priority_groups": 0,
    }
    base.update(figures)
    return ProgressReportFactory(pledge=pledge, year=2025, quarter=quarter, status=RS.VERIFIED, **base)


def test_attainment_counts_verified_figures_only() -> None:
    pledge = PledgeFactory(
        status=PS.ACTIVE,
        roles_converted_target=4,
        credential_holder_hires_target=10,
        non_degree_hires_target=8,
        priority_group_hires_target=0,
    )
    verified(pledge, 1, roles_converted=1, hires_total=5, hires_credential_holders=3, hires_without_degree=4)
    # A staff correction: reported 9, verified 5.
    ProgressReportFactory(
        pledge=pledge,
        year=2025,
        quarter=2,
        status=RS.VERIFIED,
        roles_converted=2,
        hires_total=9,
        hires_credential_holders=9,
        hires_without_degree=9,
        hires_priority_groups=0,
        verified_hires_total=5,
        verified_hires_credential_holders=2,
        verified_hires_without_degree=4,
        verified_hires_priority_groups=0,
    )
    # Submitted and returned figures never count.
    ProgressReportFactory(
        pledge=pledge,
        year=2025,
        quarter=3,
        status=RS.SUBMITTED,
        roles_converted=9,
        hires_total=50,
        hires_credential_holders=50,
        hires_without_degree=50,
    )
    ProgressReportFactory(
        pledge=pledge,
        year=2025,
        quarter=4,
        status=RS.RETURNED,
        roles_converted=9,
        hires_total=50,
        hires_credential_holders=50,
        hires_without_degree=50,
    )
    progress = pledge_progress(pledge)
    assert progress.verified == {
        "verified_roles_converted": 3,
        "verified_hires_total": 10,
        "verified_hires_credential_holders": 5,
        "verified_hires_without_degree": 8,
        "verified_hires_priority_groups": 0,
    }
    assert progress.verified_report_count == 2
    assert [(c.key, c.target, c.verified, c.attainment_percent, c.met) for c in progress.commitments] == [
        ("roles_converted_target", 4, 3, 75, False),
        ("credential_holder_hires_target", 10, 5, 50, False),
        ("non_degree_hires_target", 8, 8, 100, True),
        ("priority_group_hires_target", 0, 0, None, True),  # nothing committed: no percentage
    ]
    assert not progress.all_met
    assert progress.wage_floor == Decimal("45000.00")


def test_a_pledge_without_reports_has_zero_progress() -> None:
    progress = pledge_progress(PledgeFactory(status=PS.ACTIVE))
    assert set(progress.verified.values()) == {0}
    assert [c.attainment_percent for c in progress.commitments] == [0, 0, 0, 0]
    assert progress.verified_report_count == 0
    assert not progress.in_name_only


def test_employer_recorded_hires_show_apart_until_verified() -> None:
    pledge = PledgeFactory(status=PS.ACTIVE)
    role = JobRoleFactory(employer=pledge.employer, pledge=pledge)
    HireFactory.create_batch(3, job_role=role)
    HireFactory(job_role=role, source=Hire.Source.VERIFIED)
    progress = pledge_progress(pledge)
    assert progress.unverified_hire_count == 3
    assert progress.verified["verified_hires_total"] == 0  # recorded hires are not verified figures


@pytest.mark.parametrize(
    ("roles", "reports", "total", "without_degree", "flagged"),
    [
        (1, 2, 20, 1, True),  # roles converted, hiring did not follow: 1 < 10% of 20
        (1, 2, 20, 2, False),  # exactly 10% is enough
        (1, 2, 0, 0, True),  # roles converted, no hires at all
        (0, 2, 20, 0, False),  # no role converted: nothing to judge
        (3, 1, 20, 0, False),  # one quarter is too early to judge
    ],
)
def test_the_in_name_only_rule(
    roles: int, reports: int, total: int, without_degree: int, flagged: bool
) -> None:
    assert (
        in_name_only(
            roles_converted=roles,
            verified_reports=reports,
            hires_total=total,
            hires_without_degree=without_degree,
        )
        is flagged
    )


def test_the_in_name_only_flag_on_a_pledge_and_its_setting(settings) -> None:  # type: ignore[no-untyped-def]
    pledge = PledgeFactory(status=PS.ACTIVE)
    verified(pledge, 1, roles_converted=2, hires_total=10, hires_without_degree=0)
    assert not pledge_progress(pledge).in_name_only  # one verified quarter only
    verified(pledge, 2, hires_total=10, hires_without_degree=3)
    assert not pledge_progress(pledge).in_name_only  # 3 of 20 is at least 10%
    settings.EMPLOYER_IN_NAME_ONLY_SHARE = 0.25
    assert pledge_progress(pledge).in_name_only  # 3 of 20 is under 25%
    # An unverified report claiming many hires without a degree does not lift the flag.
    ProgressReportFactory(pledge=pledge, year=2025, quarter=3, hires_total=40, hires_without_degree=40)
    assert pledge_progress(pledge).in_name_only


def test_the_annotated_list_agrees_with_the_single_pledge_reading() -> None:
    pledges = [PledgeFactory(status=PS.ACTIVE) for _ in range(3)]
    verified(pledges[0], 1, roles_converted=2, hires_total=10, hires_without_degree=0)
    verified(pledges[0], 2, hires_total=5, hires_without_degree=0)
    verified(pledges[1], 1, hires_total=4, hires_credential_holders=4, hires_without_degree=2)
    HireFactory(job_role=JobRoleFactory(employer=pledges[2].employer), pledge=pledges[2])
    for row in pledges_with_progress(Pledge.objects.order_by("pk")):
        fresh = Pledge.objects.get(pk=row.pk)
        assert pledge_progress(row) == pledge_progress(fresh)
    flagged = [
        pledge_progress(row).in_name_only for row in pledges_with_progress(Pledge.objects.order_by("pk"))
    ]
    assert flagged == [True, False, False]


def make_pledges(count: int) -> None:
    for _ in range(count):
        pledge = PledgeFactory(status=PS.ACTIVE)
        verified(pledge, 1, roles_converted=1, hires_total=3, hires_without_degree=1)
        verified(pledge, 2, hires_total=2, hires_without_degree=2)
        ProgressReportFactory(pledge=pledge, year=2025, quarter=3)
        HireFactory(job_role=JobRoleFactory(employer=pledge.employer, pledge=pledge))


@pytest.mark.parametrize("count", [2, 12])
def test_pledges_with_progress_is_one_query_at_any_size(count: int, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    make_pledges(count)
    with django_assert_num_queries(1):
        rows = list(pledges_with_progress(Pledge.objects.order_by("pk")))
        progress = [pledge_progress(row) for row in rows]
        names = [row.employer.display_name for row in rows]
    assert len(progress) == len(names) == count
    assert all(p.verified_report_count == 2 and p.unverified_hire_count == 1 for p in progress)


@pytest.mark.parametrize("count", [2, 12])
def test_public_pledges_is_one_query_at_any_size(count: int, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    make_pledges(count)
    with django_assert_num_queries(1):
        rows = [(row.employer.display_name, pledge_progress(row).verified) for row in public_pledges()]
    assert len(rows) == count


def test_public_pledges_are_active_or_fulfilled_pledges_of_verified_employers() -> None:
    shown = {PledgeFactory(status=PS.ACTIVE), PledgeFactory(status=PS.FULFILLED)}
    for status in (PS.DRAFT, PS.SUBMITTED, PS.RETURNED, PS.LAPSED, PS.WITHDRAWN):
        PledgeFactory(status=status)
    PledgeFactory(status=PS.ACTIVE, employer=EmployerFactory(status=Employer.Status.SUSPENDED))
    PledgeFactory(status=PS.ACTIVE, employer=EmployerFactory(status=Employer.Status.PENDING))
    assert set(public_pledges()) == shown


def test_employers_for_user_lists_only_current_representations() -> None:
    first, second = EmployerFactory(), EmployerFactory()
    person = representative_of(first)
    Representative.objects.create(employer=second, user=person)
    Representative.objects.filter(employer=second, user=person).update(removed_at="2026-01-01T00:00:00Z")
    EmployerFactory()
    assert list(employers_for_user(person)) == [first]
    assert list(employers_for_user(user_with_role(Role.WORKER))) == []


def test_employer_list_filters() -> None:
    EmployerFactory(
        legal_name="Acme Fabrication", naics_code="332710", size_class="1-50", status=Employer.Status.PENDING
    )
    EmployerFactory(legal_name="Bright Care", naics_code="621111", size_class="201+")
    assert [e.legal_name for e in employer_list({"q": "acme"})] == ["Acme Fabrication"]
    assert [e.legal_name for e in employer_list({"sector": "62"})] == ["Bright Care"]
    assert [e.legal_name for e in employer_list({"status": "pending"})] == ["Acme Fabrication"]
    assert [e.legal_name for e in employer_list({"size_class": "201+"})] == ["Bright Care"]
    assert employer_list({"status": "nonsense"}).count() == 2  # an invalid filter is ignored
    assert [e.active_representative_count for e in employer_list()] == [1, 1]


@pytest.mark.parametrize("count", [2, 10])
def test_employer_list_is_one_query_at_any_size(count: int, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    EmployerFactory.create_batch(count)
    with django_assert_num_queries(1):
        rows = [
            (e.display_name, e.active_representative_count) for e in employer_list({"status": "verified"})
        ]
    assert len(rows) == count


def test_staff_queues_show_what_awaits_a_decision() -> None:
    waiting = PledgeFactory(status=PS.SUBMITTED)
    PledgeFactory(status=PS.ACTIVE)
    assert list(pledges_for_staff_review()) == [waiting]
    report = ProgressReportFactory()
    ProgressReportFactory(status=RS.VERIFIED)
    assert list(reports_awaiting_verification()) == [report]


def test_an_invitation_is_found_by_its_token_only() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from employers.models import RepresentativeInvitation
    from employers.selectors import invitation_for_token, token_hash

    employer = EmployerFactory()
    invitation = RepresentativeInvitation.objects.create(
        employer=employer,
        email="a@example.test",
        invited_by=representative_of(employer),
        token_hash=token_hash("secret-token"),
        expires_at=timezone.now() + timedelta(days=7),
    )
    assert invitation_for_token("secret-token") == invitation
    assert invitation_for_token("other") is None
    assert invitation_for_token("") is None
    assert invitation_for_token("x" * 201) is None
