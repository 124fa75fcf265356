"""The demo employers (issue 6): ~30 employers of every size in several sectors, pledges in every state, one
flagged "in name only", hires that are employer-reported outcomes, candidates for the demo representative's
roles, employer@'s filings, and a second run that adds nothing. One seeding (30 applications, no letters
rendered) serves all checks."""

import pytest

from accounts.models import User
from demo import applications as demo
from demo.accounts import seed_demo_accounts
from demo.applications import seed_demo_applications
from demo.awards import seed_demo_awards
from demo.employers import DEMO_EMPLOYER_EIN
from demo.matching import seed_demo_matching
from demo.programs import seed_demo_programs
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
from employers.selectors import employer_list, employers_for_user, pledge_progress, pledges_with_progress
from grants.matching.selectors import candidates_for_role, roles_with_candidates_for
from grants.models import Application, Outcome, WorkerProfile

pytestmark = pytest.mark.django_db


def _snapshot() -> tuple[int, ...]:
    return (
        Employer.objects.count(),
        EmployerEvent.objects.count(),
        Representative.objects.count(),
        RepresentativeInvitation.objects.count(),
        Pledge.objects.count(),
        PledgeEvent.objects.count(),
        ProgressReport.objects.count(),
        JobRole.objects.count(),
        Hire.objects.count(),
        CandidateInvitation.objects.count(),
        Outcome.objects.count(),
        Application.objects.count(),
        User.objects.count(),
        WorkerProfile.objects.filter(contact_by_employers=True).count(),
    )


def test_seed_demo_employers(settings, tmp_path, monkeypatch) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    monkeypatch.setattr(demo, "letter_generate", lambda **kwargs: None)  # PDFs are the slow part
    seed_demo_accounts(password="a-long-demo-password-2026")
    seed_demo_programs(manager=User.objects.get(email="manager@demo.skillsfund.test"))
    seed_demo_applications(count=30)
    seed_demo_awards()
    made = seed_demo_matching()
    assert made["employers"] == Employer.objects.count() >= 28

    # All size classes, several sectors, the demo regions; mostly verified, some pending, one suspended.
    employers = Employer.objects.all()
    assert {e.size_class for e in employers} == set(Employer.SizeClass.values)
    assert len({e.naics_code[:2] for e in employers}) >= 3
    assert {e.region for e in employers} <= {"North", "Central", "South", "Coastal", "Metro"}
    for employer in employers:
        employer.full_clean()  # valid EIN and NAICS code
    statuses = [e.status for e in employers]
    assert statuses.count(Employer.Status.VERIFIED) > len(statuses) / 2
    assert statuses.count(Employer.Status.PENDING) >= 2
    suspended = Employer.objects.get(status=Employer.Status.SUSPENDED)
    assert suspended.events.filter(action="suspended").exclude(reason="").exists()
    removed = Representative.objects.filter(removed_at__isnull=False)
    assert removed.count() == 1
    assert removed.get().removal_reason
    assert [i for i in RepresentativeInvitation.objects.all() if i.is_open]
    active = [e.active_representative_count for e in employer_list()]
    assert min(active) >= 1
    assert sum(n >= 2 for n in active) >= 3

    # Pledges in every state; the returned one has a note; exactly one flagged "in name only".
    assert set(Pledge.objects.values_list("status", flat=True)) == set(Pledge.Status.values)
    assert Pledge.objects.get(status=Pledge.Status.RETURNED).staff_note
    flagged = [p for p in pledges_with_progress() if pledge_progress(p).in_name_only]
    assert len(flagged) == 1
    assert pledge_progress(flagged[0]).verified_report_count >= 2
    assert set(ProgressReport.objects.values_list("status", flat=True)) == set(ProgressReport.Status.values)
    assert (
        ProgressReport.objects.filter(evidence_name__endswith=".csv").count()
        == ProgressReport.objects.count()
    )

    # Hires connect to demo workers' outcomes (employer-reported).
    hires = Hire.objects.all()
    assert hires.exists()
    assert made["hires"] == hires.count()
    for hire in hires:
        outcome = Outcome.objects.get(hire=hire)
        assert outcome.source == Outcome.Source.EMPLOYER_REPORTED
        assert outcome.worker_id == hire.worker_id
    assert CandidateInvitation.objects.exists()

    # employer@: a verified employer with an active pledge, roles with candidates, reports and filings.
    erin = User.objects.get(email="employer@demo.skillsfund.test")
    mine = employers_for_user(erin).get()
    assert mine.registration_number == DEMO_EMPLOYER_EIN
    assert mine.is_verified
    assert mine.pledges.filter(status=Pledge.Status.ACTIVE).exists()
    reports = ProgressReport.objects.filter(pledge__employer=mine)
    assert reports.filter(status=ProgressReport.Status.VERIFIED).count() >= 2
    assert reports.filter(status=ProgressReport.Status.SUBMITTED).count() == 1
    roles = list(roles_with_candidates_for(erin))
    assert roles
    assert all(candidates_for_role(role).exists() for role in roles)
    filed = Application.objects.filter(filed_by=erin, employer=mine)
    assert sorted(filed.values_list("status", flat=True)) == ["approved", "draft", "submitted"]
    assert filed.filter(applicant__email__endswith="@people.demo.skillsfund.test").count() == 1
    eli = User.objects.get(email="employer2@demo.skillsfund.test")
    theirs = employers_for_user(eli).get()
    assert theirs.status == Employer.Status.PENDING
    assert list(theirs.pledges.values_list("status", flat=True)) == [Pledge.Status.DRAFT]

    # A second run adds nothing.
    before = _snapshot()
    assert seed_demo_matching()["hires"] == 0
    assert _snapshot() == before
