"""The matching API: /api/v1/matches/ (a worker's roles; a role's candidates), /matches/invite/ and
/hires/. Who may do what, ranking, privacy, bad input and query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from employers.models import CandidateInvitation, Employer, Hire, Pledge
from grants.applications import services
from grants.models import Outcome
from tests.accounts.factories import user_with_role
from tests.employers.factories import (
    EmployerFactory,
    HireFactory,
    JobRoleFactory,
    PledgeFactory,
    representative_of,
)
from tests.grants.factories import verified_application
from tests.programs.factories import SkillFactory

pytestmark = pytest.mark.django_db

MATCHES = "/api/v1/matches/"
INVITE = "/api/v1/matches/invite/"
HIRES = "/api/v1/hires/"
PHONE = "+1 555 010 7788"


def _pledged_employer(**fields: object) -> Employer:
    employer = EmployerFactory(**fields)
    PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    return employer


def _holder(skills: list, *, opted_in: bool = True) -> User:
    application, _claim, _manager = verified_application()
    application.credential.skills.set(skills)
    services.worker_profile_save(user=application.applicant, contact_by_employers=opted_in)
    # A fixed name: generated ones ("William White") could contain the words the tests look for.
    User.objects.filter(pk=application.applicant_id).update(full_name=f"Candidate {application.applicant_id}")
    application.applicant.refresh_from_db()
    return application.applicant


def _setup() -> tuple:  # type: ignore[type-arg]
    a, b = SkillFactory(), SkillFactory()
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer, title="Field technician", skills=[a, b])
    strong = _holder([a, b])
    services.demographics_save(
        user=strong, race_ethnicity=["white"], sex="female", veteran="yes", disability="no"
    )
    strong.phone = PHONE
    strong.save(update_fields=["phone"])
    weak = _holder([a])
    return role, strong, weak, representative_of(employer), (a, b)


def _client(user: User | None = None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def _hire_body(role, person: User, **overrides: object) -> dict:  # type: ignore[no-untyped-def,type-arg]
    return {
        "job_role": role.pk,
        "worker": person.pk,
        "hired_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "annual_wage": "52000.00",
        "has_four_year_degree": False,
        **overrides,
    }


def _nothing_changed() -> None:
    assert not CandidateInvitation.objects.exists()
    assert not Hire.objects.exists()
    assert not Outcome.objects.exists()


def test_anonymous_callers_get_401_and_change_nothing() -> None:
    role, strong, _weak, _rep, _skills = _setup()
    client = _client()
    assert client.get(MATCHES).status_code == 401
    assert client.get(MATCHES, {"job_role": role.pk}).status_code == 401
    assert client.get(HIRES).status_code == 401
    assert client.post(INVITE, {"job_role": role.pk, "worker": strong.pk}, format="json").status_code == 401
    assert client.post(HIRES, _hire_body(role, strong), format="json").status_code == 401
    _nothing_changed()


def test_worker_gets_roles_ranked_by_overlap() -> None:
    a, b, c = SkillFactory(), SkillFactory(), SkillFactory()
    worker = _holder([a, b])
    employer = _pledged_employer()
    small = JobRoleFactory(employer=employer, title="Apprentice", skills=[a, c])
    big = JobRoleFactory(employer=employer, title="Splicer", skills=[a, b, c])
    JobRoleFactory(employer=employer, skills=[c])
    response = _client(worker).get(MATCHES)
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["id"], row["overlap"], row["required_skills"]) for row in rows] == [
        (big.pk, 2, 3),
        (small.pk, 1, 2),
    ]
    assert rows[0]["employer_name"] == employer.display_name
    assert rows[0]["pledge_framework"] == "Skills-First Hiring Pledge"
    assert {skill["id"] for skill in rows[0]["matched_skills"]} == {a.pk, b.pk}


def test_worker_who_did_not_opt_in_gets_no_roles() -> None:
    skill = SkillFactory()
    worker = _holder([skill], opted_in=False)
    JobRoleFactory(employer=_pledged_employer(), skills=[skill])
    response = _client(worker).get(MATCHES)
    assert response.status_code == 200
    assert response.json()["count"] == 0


@pytest.mark.parametrize("role_name", [Role.PROGRAM_MANAGER, Role.EMPLOYER_REPRESENTATIVE])
def test_roles_list_is_for_workers(role_name: Role) -> None:
    assert _client(user_with_role(role_name)).get(MATCHES).status_code == 403


def test_representative_gets_ranked_candidates_without_private_details() -> None:
    role, strong, weak, rep, (a, _b) = _setup()
    private = _holder([a], opted_in=False)
    response = _client(rep).get(MATCHES, {"job_role": role.pk})
    assert response.status_code == 200
    rows = response.json()["results"]
    assert [(row["id"], row["overlap"]) for row in rows] == [(strong.pk, 2), (weak.pk, 1)]
    assert private.pk not in {row["id"] for row in rows}
    assert set(rows[0]) == {"id", "full_name", "region", "overlap", "verified_credentials"}
    assert rows[0]["region"] == "North"
    assert rows[0]["verified_credentials"][0]["skills"]
    text = response.content.decode().lower()
    # The date of birth in any format (not bare "1990": factory sequence numbers in names can contain it).
    birth = ("1990-06-01", "06/01/1990", "01/06/1990", "June 1, 1990", "1 June 1990")
    for secret in (strong.email, PHONE, *birth, "female", "veteran", "white", "date_of_birth"):
        assert secret.lower() not in text


def test_another_employers_role_is_404_and_nothing_changes() -> None:
    role, strong, _weak, _rep, _skills = _setup()
    client = _client(representative_of(_pledged_employer()))
    assert client.get(MATCHES, {"job_role": role.pk}).status_code == 404
    assert client.post(INVITE, {"job_role": role.pk, "worker": strong.pk}, format="json").status_code == 404
    assert client.post(HIRES, _hire_body(role, strong), format="json").status_code == 404
    _nothing_changed()


@pytest.mark.parametrize("role_name", [Role.WORKER, Role.PROGRAM_MANAGER])
def test_other_roles_cannot_see_candidates_invite_or_hire(role_name: Role) -> None:
    role, strong, _weak, _rep, _skills = _setup()
    client = _client(user_with_role(role_name))
    assert client.get(MATCHES, {"job_role": role.pk}).status_code == 403
    assert client.post(INVITE, {"job_role": role.pk, "worker": strong.pk}, format="json").status_code == 403
    assert client.post(HIRES, _hire_body(role, strong), format="json").status_code == 403
    _nothing_changed()


def test_employer_without_an_active_pledge_gets_403_and_no_candidates() -> None:
    skill = SkillFactory()
    worker = _holder([skill])
    employer = EmployerFactory()
    PledgeFactory(employer=employer, status=Pledge.Status.SUBMITTED)
    role = JobRoleFactory(employer=employer, skills=[skill])
    client = _client(representative_of(employer))
    response = client.get(MATCHES, {"job_role": role.pk})
    assert response.status_code == 403
    assert worker.full_name not in response.content.decode()
    assert client.post(INVITE, {"job_role": role.pk, "worker": worker.pk}, format="json").status_code == 403
    _nothing_changed()


@pytest.mark.parametrize("value", ["abc", "0", "-1", "", "99999999999999999999999"])
def test_a_bad_job_role_parameter_is_400(value: str) -> None:
    role, _strong, _weak, rep, _skills = _setup()
    assert _client(rep).get(MATCHES, {"job_role": value}).status_code == 400


@pytest.mark.parametrize("size", [2, 8])
def test_worker_matches_query_count_does_not_grow(django_assert_num_queries, size: int) -> None:
    skill = SkillFactory()
    worker = _holder([skill])
    for _index in range(size):
        JobRoleFactory(employer=_pledged_employer(), skills=[skill])
    client = _client(worker)
    # Roles, opted in, count, the roles (with how many skills each needs), their matched skills.
    with django_assert_num_queries(5):
        response = client.get(MATCHES)
    assert response.json()["count"] == size


@pytest.mark.parametrize("size", [2, 8])
def test_candidates_query_count_does_not_grow(django_assert_num_queries, size: int) -> None:
    skill = SkillFactory()
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer, skills=[skill])
    for _index in range(size):
        _holder([skill])
    client = _client(representative_of(employer))
    # Roles, the role, representative?, pledged?, count, candidates, their awards, those skills.
    with django_assert_num_queries(8):
        response = client.get(MATCHES, {"job_role": role.pk})
    assert response.json()["count"] == size


def test_invite_a_candidate() -> None:
    role, strong, _weak, rep, _skills = _setup()
    response = _client(rep).post(
        INVITE, {"job_role": role.pk, "worker": strong.pk, "message": "Come and see us"}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["job_role"], body["worker"], body["message"]) == (role.pk, strong.pk, "Come and see us")
    assert CandidateInvitation.objects.get().worker == strong
    again = _client(rep).post(INVITE, {"job_role": role.pk, "worker": strong.pk}, format="json")
    assert again.status_code == 409
    assert CandidateInvitation.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"worker": 424242}, "worker"),
        ({"worker": "1"}, "worker"),
        ({"worker": 2**70}, "worker"),
        ({"message": "x" * 2001}, "message"),
        ({"status": "sent"}, "status"),
    ],
)
def test_invite_with_bad_input_is_400_and_changes_nothing(body: dict, field: str) -> None:  # type: ignore[type-arg]
    role, strong, _weak, rep, _skills = _setup()
    response = _client(rep).post(INVITE, {"job_role": role.pk, "worker": strong.pk, **body}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    _nothing_changed()


def test_opted_out_worker_cannot_be_invited() -> None:
    role, _strong, _weak, rep, (a, _b) = _setup()
    private = _holder([a], opted_in=False)
    response = _client(rep).post(INVITE, {"job_role": role.pk, "worker": private.pk}, format="json")
    assert response.status_code == 400
    assert "worker" in response.json()
    _nothing_changed()


def test_record_a_hire_returns_it_with_the_outcome() -> None:
    role, strong, _weak, rep, _skills = _setup()
    response = _client(rep).post(HIRES, _hire_body(role, strong), format="json")
    assert response.status_code == 201
    body = response.json()
    hire = Hire.objects.get()
    assert body["id"] == hire.pk
    assert body["outcome"] == Outcome.objects.get(hire=hire).pk
    assert (body["worker"], body["job_role"], body["annual_wage"]) == (strong.pk, role.pk, "52000.00")
    assert body["source"] == Hire.Source.EMPLOYER_REPORTED
    again = _client(rep).post(HIRES, _hire_body(role, strong), format="json")
    assert again.status_code == 409
    assert Hire.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"hired_on": (timezone.localdate() + timedelta(days=5)).isoformat()}, "hired_on"),
        ({"hired_on": "yesterday"}, "hired_on"),
        ({"annual_wage": "-100.00"}, "annual_wage"),
        ({"annual_wage": 52000}, "annual_wage"),
        ({"worker": 424242}, "worker"),
        ({"has_four_year_degree": "no"}, "has_four_year_degree"),
        ({"job_role": "x"}, "job_role"),
    ],
)
def test_hire_with_bad_input_is_400_and_changes_nothing(overrides: dict, field: str) -> None:  # type: ignore[type-arg]
    role, strong, _weak, rep, _skills = _setup()
    response = _client(rep).post(HIRES, _hire_body(role, strong, **overrides), format="json")
    assert response.status_code == 400
    assert field in response.json()
    _nothing_changed()


def test_hires_list_by_caller() -> None:
    role, strong, _weak, rep, _skills = _setup()
    _client(rep).post(HIRES, _hire_body(role, strong), format="json")
    other = HireFactory(job_role=JobRoleFactory(employer=_pledged_employer()))
    mine = _client(rep).get(HIRES).json()["results"]
    assert [row["worker"] for row in mine] == [strong.pk]
    everyone = _client(user_with_role(Role.PROGRAM_MANAGER)).get(HIRES).json()["results"]
    assert {row["id"] for row in everyone} == {Hire.objects.get(worker=strong).pk, other.pk}
    assert _client(user_with_role(Role.WORKER)).get(HIRES).status_code == 403


@pytest.mark.parametrize("size", [2, 8])
def test_hires_list_query_count_does_not_grow(django_assert_num_queries, size: int) -> None:
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer)
    for _index in range(size):
        HireFactory(job_role=role)
    client = _client(representative_of(employer))
    # Roles, count, the page of hires with employer, role, worker and outcome.
    with django_assert_num_queries(3):
        response = client.get(HIRES)
    assert response.json()["count"] == size
