"""Matching verified credential holders with pledged employers' roles; invitations and hires."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.roles import Role
from core.exceptions import NotAllowed
from employers.models import CandidateInvitation, Employer, Hire, Pledge
from grants.applications import services
from grants.matching.selectors import candidates_for_role, roles_for_worker
from grants.matching.services import candidate_hire_record, candidate_invite
from grants.models import Outcome
from tests.accounts.factories import user_with_role
from tests.employers.factories import EmployerFactory, JobRoleFactory, PledgeFactory, representative_of
from tests.grants.factories import verified_application
from tests.programs.factories import SkillFactory

pytestmark = pytest.mark.django_db


def _pledged_employer(**fields: object) -> Employer:
    employer = EmployerFactory(**fields)
    PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    return employer


def _holder(skills: list, *, opted_in: bool = True):  # type: ignore[no-untyped-def]
    """A worker with a verified award for a credential teaching these skills."""
    application, _claim, _manager = verified_application()
    application.credential.skills.set(skills)
    services.worker_profile_save(user=application.applicant, contact_by_employers=opted_in)
    return application.applicant, application


def test_worker_sees_roles_ranked_by_skill_overlap() -> None:
    a, b, c, d = (SkillFactory() for _ in range(4))
    worker, _application = _holder([a, b, c])
    employer = _pledged_employer()
    best = JobRoleFactory(employer=employer, title="Best", skills=[a, b, c, d])
    good = JobRoleFactory(employer=employer, title="Good", skills=[a, d])
    JobRoleFactory(employer=employer, title="None", skills=[d])
    JobRoleFactory(employer=employer, title="Closed", skills=[a, b, c], is_open=False)
    rows = list(roles_for_worker(worker))
    assert [(role.title, role.overlap, role.required) for role in rows] == [("Best", 3, 4), ("Good", 1, 2)]
    assert {skill.pk for skill in rows[0].matched_skills} == {a.pk, b.pk, c.pk}
    assert rows[0].pledge_framework == "Skills-First Hiring Pledge"
    assert best.pk == rows[0].pk
    assert good.pk == rows[1].pk


def test_roles_of_unverified_or_unpledged_employers_are_not_matched() -> None:
    skill = SkillFactory()
    worker, _application = _holder([skill])
    JobRoleFactory(employer=_pledged_employer(status=Employer.Status.PENDING), skills=[skill])
    JobRoleFactory(employer=EmployerFactory(), skills=[skill])  # verified, no active pledge
    suspended = _pledged_employer(status=Employer.Status.SUSPENDED)
    JobRoleFactory(employer=suspended, skills=[skill])
    assert list(roles_for_worker(worker)) == []


def test_only_verified_credentials_count() -> None:
    from tests.grants.factories import claimed_application

    skill = SkillFactory()
    application, _claim, _manager = claimed_application()
    application.credential.skills.set([skill])
    JobRoleFactory(employer=_pledged_employer(), skills=[skill])
    assert list(roles_for_worker(application.applicant)) == []


def test_candidates_are_opted_in_holders_ranked_by_overlap_without_demographics() -> None:
    a, b = SkillFactory(), SkillFactory()
    strong, _ = _holder([a, b])
    weak, _ = _holder([a])
    private, _ = _holder([a, b], opted_in=False)
    services.demographics_save(
        user=strong, race_ethnicity=["white"], sex="female", veteran="yes", disability="no"
    )
    role = JobRoleFactory(employer=_pledged_employer(), skills=[a, b])
    rows = list(candidates_for_role(role))
    assert [(user.pk, user.overlap) for user in rows] == [(strong.pk, 2), (weak.pk, 1)]
    assert private.pk not in {user.pk for user in rows}
    assert rows[0].region == "North"
    assert rows[0].verified_awards[0].credential.skills.all()
    # Nothing of the voluntary answers travels with a candidate row.
    assert not hasattr(rows[0], "_demographics_cache")
    assert "demographics" not in rows[0]._state.fields_cache


@pytest.mark.parametrize("size", [2, 8])
def test_matching_query_counts_do_not_grow(django_assert_num_queries, size: int) -> None:
    skill = SkillFactory()
    employer = _pledged_employer()
    roles = [JobRoleFactory(employer=employer, skills=[skill]) for _ in range(size)]
    workers = [_holder([skill])[0] for _ in range(size)]
    with django_assert_num_queries(2):  # the roles, then their matched skills
        assert len(list(roles_for_worker(workers[0]))) == size
    with django_assert_num_queries(3):  # the candidates, their verified awards, those credentials' skills
        assert len(list(candidates_for_role(roles[0]))) == size


def test_employer_invites_a_candidate_and_others_cannot() -> None:
    skill = SkillFactory()
    worker, _ = _holder([skill])
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer, skills=[skill])
    representative = representative_of(employer)
    invitation = candidate_invite(
        actor=representative, job_role=role, worker=worker, message="Come and see us"
    )
    assert invitation.worker == worker
    assert worker.notices.exists()
    other_rep = representative_of(_pledged_employer())
    with pytest.raises(NotAllowed):
        candidate_invite(actor=other_rep, job_role=role, worker=worker)
    with pytest.raises(NotAllowed):
        candidate_invite(actor=user_with_role(Role.PROGRAM_MANAGER), job_role=role, worker=worker)
    assert CandidateInvitation.objects.count() == 1


def test_an_opted_out_worker_cannot_be_invited_or_hired_through_matching() -> None:
    skill = SkillFactory()
    worker, _ = _holder([skill], opted_in=False)
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer, skills=[skill])
    representative = representative_of(employer)
    with pytest.raises(ValidationError):
        candidate_invite(actor=representative, job_role=role, worker=worker)
    with pytest.raises(ValidationError):
        candidate_hire_record(
            actor=representative,
            job_role=role,
            worker=worker,
            hired_on=timezone.localdate(),
            has_four_year_degree=False,
        )
    assert not CandidateInvitation.objects.exists()
    assert not Hire.objects.exists()


def test_employer_without_an_active_pledge_sees_no_candidates() -> None:
    skill = SkillFactory()
    worker, _ = _holder([skill])
    employer = EmployerFactory()
    PledgeFactory(employer=employer, status=Pledge.Status.SUBMITTED)
    role = JobRoleFactory(employer=employer, skills=[skill])
    with pytest.raises(NotAllowed):
        candidate_invite(actor=representative_of(employer), job_role=role, worker=worker)


def test_a_recorded_hire_counts_for_the_pledge_and_becomes_an_outcome() -> None:
    skill = SkillFactory()
    worker, application = _holder([skill])
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer, skills=[skill])
    hire, outcome = candidate_hire_record(
        actor=representative_of(employer),
        job_role=role,
        worker=worker,
        hired_on=timezone.localdate(),
        has_four_year_degree=False,
        annual_wage="51000",
    )
    assert hire.source == Hire.Source.EMPLOYER_REPORTED
    assert hire.pledge is not None
    assert hire.pledge.status == Pledge.Status.ACTIVE
    assert outcome is not None
    assert outcome.source == Outcome.Source.EMPLOYER_REPORTED
    assert outcome.application == application
    assert outcome.hire == hire
    assert outcome.employer_name == employer.legal_name
    assert application.events.filter(action="hired").exists()
