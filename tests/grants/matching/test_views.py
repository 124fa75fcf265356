"""Matching pages: a worker's matching roles, a role's candidates with inviting and recording a hire, and
the representative's hires. Who may see what, ranking, privacy, bad input and query counts."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

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

PHONE = "+1 555 010 7788"


def _pledged_employer(**fields: object) -> Employer:
    employer = EmployerFactory(**fields)
    PledgeFactory(employer=employer, status=Pledge.Status.ACTIVE)
    return employer


def _holder(skills: list, *, opted_in: bool = True) -> User:
    """A worker with a verified award for a credential teaching these skills."""
    application, _claim, _manager = verified_application()
    application.credential.skills.set(skills)
    services.worker_profile_save(user=application.applicant, contact_by_employers=opted_in)
    # A fixed name: generated ones ("William White") could contain the words the tests look for.
    User.objects.filter(pk=application.applicant_id).update(full_name=f"Candidate {application.applicant_id}")
    application.applicant.refresh_from_db()
    return application.applicant


def _with_private_details(worker: User) -> User:
    services.demographics_save(
        user=worker, race_ethnicity=["white"], sex="female", veteran="yes", disability="no"
    )
    worker.phone = PHONE
    worker.save(update_fields=["phone"])
    return worker


def _setup() -> tuple:  # type: ignore[type-arg]
    """A pledged employer's role needing skills a and b; a strong and a weak candidate; its representative."""
    a, b = SkillFactory(), SkillFactory()
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer, title="Field technician", skills=[a, b])
    strong = _with_private_details(_holder([a, b]))
    weak = _holder([a])
    return role, strong, weak, representative_of(employer), (a, b)


def _candidates_url(role) -> str:  # type: ignore[no-untyped-def]
    return reverse("grants:role_candidates", kwargs={"pk": role.pk})


def _invite_url(role) -> str:  # type: ignore[no-untyped-def]
    return reverse("grants:candidate_invite", kwargs={"pk": role.pk})


def _hire_url(role) -> str:  # type: ignore[no-untyped-def]
    return reverse("grants:candidate_hire", kwargs={"pk": role.pk})


def _hire_data(person: User, **overrides: object) -> dict:  # type: ignore[type-arg]
    return {
        "worker": person.pk,
        "hired_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "annual_wage": "52000.00",
        "has_four_year_degree": "no",
        **overrides,
    }


# ---------------------------------------------------------------- workers


def test_anonymous_callers_are_sent_to_sign_in(client) -> None:
    role, strong, _weak, _rep, _skills = _setup()
    for url in (reverse("grants:matches"), _candidates_url(role), reverse("grants:hire_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/" in response["Location"] or "login" in response["Location"]
    for url in (_invite_url(role), _hire_url(role)):
        assert client.post(url, {"worker": strong.pk}).status_code == 302
    assert not CandidateInvitation.objects.exists()
    assert not Hire.objects.exists()


def test_worker_sees_matching_roles_ranked_by_overlap(client) -> None:
    a, b, c = SkillFactory(label="Cabling"), SkillFactory(label="Fibre"), SkillFactory(label="Safety")
    worker = _holder([a, b])
    employer = _pledged_employer(trading_name="Acme Networks")
    JobRoleFactory(employer=employer, title="Apprentice", skills=[a, c])
    JobRoleFactory(employer=employer, title="Splicer", skills=[a, b, c], degree_required_before=True)
    JobRoleFactory(employer=employer, title="Unrelated", skills=[c])
    client.force_login(worker)
    response = client.get(reverse("grants:matches"))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index("Splicer") < content.index("Apprentice")
    assert "Unrelated" not in content
    assert "Acme Networks" in content
    assert "Skills-First Hiring Pledge" in content
    assert "2 of the role's 3 skills: Cabling, Fibre" in content
    assert "1 of the role's 2 skills: Cabling" in content
    assert "Requirement removed" in content
    assert "Job matches" in content  # the navigation item


def test_worker_who_did_not_opt_in_is_told_how_to_and_sees_no_roles(client) -> None:
    skill = SkillFactory()
    worker = _holder([skill], opted_in=False)
    JobRoleFactory(employer=_pledged_employer(), title="Hidden role", skills=[skill])
    client.force_login(worker)
    content = client.get(reverse("grants:matches")).content.decode()
    assert "Hidden role" not in content
    assert reverse("grants:worker_profile") + "#id_contact_by_employers" in content


def test_worker_without_a_verified_credential_is_told_why(client) -> None:
    worker = user_with_role(Role.WORKER)
    services.worker_profile_save(user=worker, region="North", contact_by_employers=True)
    client.force_login(worker)
    response = client.get(reverse("grants:matches"))
    assert response.status_code == 200
    assert "No verified credential yet" in response.content.decode()


@pytest.mark.parametrize("role", [Role.EMPLOYER_REPRESENTATIVE, Role.PROGRAM_MANAGER])
def test_matches_page_is_for_workers(client, role: Role) -> None:
    client.force_login(user_with_role(role))
    assert client.get(reverse("grants:matches")).status_code == 403


@pytest.mark.parametrize("size", [2, 8])
def test_worker_matches_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    skill = SkillFactory()
    worker = _holder([skill])
    for _index in range(size):
        JobRoleFactory(employer=_pledged_employer(), skills=[skill])
    client.force_login(worker)
    client.get(reverse("grants:matches"))  # warm the session
    # Session, user, roles, opted in, has a verified award, count, the roles (with how many skills each
    # needs, annotated), their matched skills.
    with django_assert_num_queries(8):
        response = client.get(reverse("grants:matches"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == size


# ---------------------------------------------------------------- employers: candidates


def test_representative_sees_ranked_opted_in_candidates_without_private_details(client) -> None:
    role, strong, weak, rep, (a, _b) = _setup()
    private = _holder([a], opted_in=False)
    client.force_login(rep)
    response = client.get(_candidates_url(role))
    assert response.status_code == 200
    content = response.content.decode()
    assert content.index(strong.full_name) < content.index(weak.full_name)
    assert private.full_name not in content
    lowered = content.lower()
    # The date of birth in any format (not bare "1990": factory sequence numbers in names can contain it).
    birth = ("1990-06-01", "06/01/1990", "01/06/1990", "June 1, 1990", "1 June 1990", "Jun 1990")
    for secret in (strong.email, weak.email, PHONE, *birth, "female", "veteran", "white"):
        assert secret.lower() not in lowered
    assert "North" in content  # region


def test_another_employers_representative_gets_404_and_changes_nothing(client) -> None:
    role, strong, _weak, _rep, _skills = _setup()
    client.force_login(representative_of(_pledged_employer()))
    assert client.get(_candidates_url(role)).status_code == 404
    assert client.post(_invite_url(role), {"worker": strong.pk}).status_code == 404
    assert client.post(_hire_url(role), _hire_data(strong)).status_code == 404
    assert not CandidateInvitation.objects.exists()
    assert not Hire.objects.exists()


@pytest.mark.parametrize("role_name", [Role.WORKER, Role.PROGRAM_MANAGER])
def test_other_roles_are_refused_and_change_nothing(client, role_name: Role) -> None:
    role, strong, _weak, _rep, _skills = _setup()
    client.force_login(user_with_role(role_name))
    assert client.get(_candidates_url(role)).status_code == 403
    assert client.post(_invite_url(role), {"worker": strong.pk}).status_code == 403
    assert client.post(_hire_url(role), _hire_data(strong)).status_code == 403
    assert not CandidateInvitation.objects.exists()
    assert not Hire.objects.exists()


@pytest.mark.parametrize("situation", ["pending", "no_pledge"])
def test_employer_not_allowed_yet_gets_an_explanation_and_no_one_listed(client, situation: str) -> None:
    skill = SkillFactory()
    worker = _holder([skill])
    if situation == "pending":
        employer = _pledged_employer(status=Employer.Status.PENDING)
    else:
        employer = EmployerFactory()
        PledgeFactory(employer=employer, status=Pledge.Status.SUBMITTED)
    role = JobRoleFactory(employer=employer, skills=[skill])
    client.force_login(representative_of(employer))
    response = client.get(_candidates_url(role))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Candidates are not shown yet" in content
    assert worker.full_name not in content
    response = client.post(_invite_url(role), {"worker": worker.pk})
    assert response.status_code == 403
    assert not CandidateInvitation.objects.exists()


@pytest.mark.parametrize("size", [2, 8])
def test_candidates_page_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    skill = SkillFactory()
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer, skills=[skill])
    for _index in range(size):
        _holder([skill])
    rep = representative_of(employer)
    client.force_login(rep)
    client.get(_candidates_url(role))
    # Session, user, roles, the role, representative?, pledged?, count, candidates, their awards, those
    # credentials' skills, invitations and hires of the page's candidates.
    with django_assert_num_queries(12):
        response = client.get(_candidates_url(role))
    assert response.status_code == 200
    assert response.content.decode().count('class="card"') == size


def test_invite_a_candidate(client) -> None:
    role, strong, _weak, rep, _skills = _setup()
    client.force_login(rep)
    response = client.post(_invite_url(role), {"worker": strong.pk, "message": "Come and see us"})
    assert response.status_code == 302
    invitation = CandidateInvitation.objects.get()
    assert (invitation.worker, invitation.job_role, invitation.message) == (strong, role, "Come and see us")
    page = client.get(response["Location"]).content.decode()
    assert "is invited to apply" in page
    assert "Invited on" in page


@pytest.mark.parametrize(
    "data",
    [{"worker": "999999"}, {"worker": "abc"}, {}, {"worker": "99999999999999999999999"}],
)
def test_invite_with_bad_input_shows_errors_and_changes_nothing(client, data: dict) -> None:  # type: ignore[type-arg]
    role, _strong, _weak, rep, _skills = _setup()
    client.force_login(rep)
    response = client.post(_invite_url(role), data)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert "not among the role" in response.content.decode()
    assert not CandidateInvitation.objects.exists()


def test_opted_out_worker_cannot_be_invited(client) -> None:
    role, _strong, _weak, rep, (a, _b) = _setup()
    private = _holder([a], opted_in=False)
    client.force_login(rep)
    response = client.post(_invite_url(role), {"worker": private.pk})
    assert response.status_code == 400
    assert not CandidateInvitation.objects.exists()


def test_inviting_twice_is_refused_beside_the_form(client) -> None:
    role, strong, _weak, rep, _skills = _setup()
    client.force_login(rep)
    client.post(_invite_url(role), {"worker": strong.pk})
    # The second attempt is posted directly (the page no longer offers the form).
    response = client.post(_invite_url(role), {"worker": strong.pk})
    assert response.status_code == 400
    assert "already invited" in response.content.decode()
    assert CandidateInvitation.objects.count() == 1


def test_record_a_hire_makes_an_outcome(client) -> None:
    role, strong, _weak, rep, _skills = _setup()
    client.force_login(rep)
    response = client.post(_hire_url(role), _hire_data(strong))
    assert response.status_code == 302
    hire = Hire.objects.get()
    assert (hire.worker, hire.job_role, hire.source) == (strong, role, Hire.Source.EMPLOYER_REPORTED)
    assert str(hire.annual_wage) == "52000.00"
    assert hire.has_four_year_degree is False
    assert Outcome.objects.filter(hire=hire).count() == 1
    page = client.get(response["Location"]).content.decode()
    assert "is recorded" in page
    assert "Hired on" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hired_on": (timezone.localdate() + timedelta(days=5)).isoformat()}, "cannot be in the future"),
        ({"annual_wage": "-100"}, "Annual pay in USD"),
        ({"hired_on": "yesterday"}, "Enter the date the person started"),
        ({"has_four_year_degree": ""}, "four-year degree"),
        ({"worker": "424242"}, "not among the role"),
    ],
)
def test_hire_with_bad_input_shows_errors_and_changes_nothing(client, overrides: dict, message: str) -> None:  # type: ignore[type-arg]
    role, strong, _weak, rep, _skills = _setup()
    client.force_login(rep)
    response = client.post(_hire_url(role), _hire_data(strong, **overrides))
    assert response.status_code == 400
    content = response.content.decode()
    assert "There is a problem" in content
    assert message in content
    assert not Hire.objects.exists()
    assert not Outcome.objects.exists()


def test_job_role_list_links_to_candidates(client) -> None:
    role, _strong, _weak, rep, _skills = _setup()
    client.force_login(rep)
    content = client.get(reverse("employers:job_role_list", kwargs={"pk": role.employer_id})).content.decode()
    assert _candidates_url(role) in content


# ---------------------------------------------------------------- hires


def test_hire_list_shows_own_employers_hires_only(client) -> None:
    role, strong, _weak, rep, _skills = _setup()
    client.force_login(rep)
    client.post(_hire_url(role), _hire_data(strong))
    other = HireFactory(job_role=JobRoleFactory(employer=_pledged_employer(), title="Someone else's role"))
    response = client.get(reverse("grants:hire_list"))
    assert response.status_code == 200
    content = response.content.decode()
    assert strong.full_name in content
    assert "Field technician" in content
    assert other.worker.full_name not in content
    assert "Someone else" not in content


def test_hire_list_is_refused_to_workers(client) -> None:
    client.force_login(user_with_role(Role.WORKER))
    assert client.get(reverse("grants:hire_list")).status_code == 403


@pytest.mark.parametrize("size", [2, 8])
def test_hire_list_query_count_does_not_grow(client, django_assert_num_queries, size: int) -> None:
    employer = _pledged_employer()
    role = JobRoleFactory(employer=employer)
    for _index in range(size):
        HireFactory(job_role=role)
    client.force_login(representative_of(employer))
    client.get(reverse("grants:hire_list"))
    # Session, user, roles, count, the page of hires with worker, role and employer.
    with django_assert_num_queries(5):
        response = client.get(reverse("grants:hire_list"))
    assert response.status_code == 200
    assert response.content.decode().count('<th scope="row">') == size
