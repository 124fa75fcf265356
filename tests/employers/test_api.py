"""The employers API end to end through APIClient: every action for the four callers (anonymous, wrong
role, another employer, the right party), refused requests changing nothing, read-only fields refused,
bad input as 400s, progress from verified figures only, and list query counts."""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import Role
from employers.models import (
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
from programs.models import Occupation, Skill
from tests.accounts.factories import user_with_role
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

pytestmark = pytest.mark.django_db

EMPLOYERS = "/api/v1/employers/"
PLEDGES = "/api/v1/pledges/"
ROLES = "/api/v1/job-roles/"
ACCEPT = "/api/v1/employer-invitations/accept/"
NOT_FOUND = {"detail": "Not found."}
HUGE = 10**30


@pytest.fixture(autouse=True)
def _private_media(settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings.MEDIA_ROOT = str(tmp_path / "media")


def client_for(user: User | None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(User.objects.get(pk=user.pk))
    return client


def payroll(name: str = "payroll.csv", content: bytes = PAYROLL_CSV) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def snapshot() -> dict[str, Any]:
    """Everything a refused or invalid request must leave as it was."""
    state: dict[str, Any] = {
        model.__name__: model.objects.count()
        for model in (
            Employer,
            EmployerEvent,
            Representative,
            RepresentativeInvitation,
            Pledge,
            PledgeEvent,
            ProgressReport,
            JobRole,
            Hire,
        )
    }
    state["employers"] = sorted(Employer.objects.values_list("pk", "status", "region", "updated_at"))
    state["representatives"] = sorted(Representative.objects.values_list("pk", "removed_at"))
    state["pledges"] = sorted(
        Pledge.objects.values_list("pk", "status", "framework_name", "roles_converted_target", "updated_at")
    )
    state["reports"] = sorted(
        ProgressReport.objects.values_list("pk", "status", "hires_total", "verified_hires_total")
    )
    state["roles"] = sorted(
        JobRole.objects.values_list("pk", "title", "is_open", "employer_id", "updated_at")
    )
    state["role_skills"] = sorted(JobRole.skills.through.objects.values_list("jobrole_id", "skill_id"))
    return state


def set_status(employer: Employer, status: str) -> None:
    """A fixture, not a move: the moves themselves are tested through the endpoints."""
    employer.status = status
    employer.save(update_fields=["status"])


def last_quarter() -> tuple[int, int]:
    """The quarter before this one: reportable, and within a pledge that started a year ago."""
    today = timezone.localdate()
    quarter = (today.month - 1) // 3 + 1
    return (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)


def make_skill(code: str = "S1") -> Skill:
    skill, _created = Skill.objects.get_or_create(
        taxonomy=Skill.Taxonomy.LOCAL, taxonomy_version="1", code=code, defaults={"label": code}
    )
    return skill


@dataclass
class World:
    employer: Employer
    rep: User
    colleague: User  # a second active representative of the employer
    other_employer: Employer
    other_rep: User
    manager: User
    admin: User
    worker: User
    official: User

    def thing(self, state: str) -> Any:
        """The object a case acts on, in the state it needs."""
        kind, _sep, status = state.partition(":")
        if kind == "employer":
            if status != "verified":
                set_status(self.employer, status)
            return self.employer
        if kind == "pledge":
            return PledgeFactory(employer=self.employer, status=status)
        if kind == "report":
            pledge = PledgeFactory(employer=self.employer, status=Pledge.Status.ACTIVE)
            year, quarter = last_quarter()
            return ProgressReportFactory(pledge=pledge, status=status, year=year, quarter=quarter)
        if kind == "fulfillable":
            pledge = PledgeFactory(
                employer=self.employer,
                status=Pledge.Status.ACTIVE,
                roles_converted_target=1,
                credential_holder_hires_target=2,
                non_degree_hires_target=2,
                priority_group_hires_target=0,
            )
            ProgressReportFactory(pledge=pledge, status=ProgressReport.Status.VERIFIED, year=2025, quarter=1)
            return pledge
        if kind == "role":
            return JobRoleFactory(employer=self.employer)
        raise AssertionError(state)


@pytest.fixture
def world() -> World:
    employer = EmployerFactory()
    other_employer = EmployerFactory()
    return World(
        employer=employer,
        rep=representative_of(employer),
        colleague=new_representative_of(employer),
        other_employer=other_employer,
        other_rep=representative_of(other_employer),
        manager=user_with_role(Role.PROGRAM_MANAGER),
        admin=user_with_role(Role.ADMINISTRATOR),
        worker=user_with_role(Role.WORKER),
        official=user_with_role(Role.OFFICIAL),
    )


def _employer_id(thing: Any) -> int:
    if isinstance(thing, Employer):
        return thing.pk
    if isinstance(thing, Pledge | JobRole):
        return thing.employer_id
    return thing.pledge.employer_id


@dataclass
class Case:
    """One endpoint: what it acts on, how to call it, who may and who may not."""

    name: str
    method: str
    url: Callable[[World, Any], str]
    state: str
    right: str
    wrong_role: str  # a caller who sees the object but may not act: 403 ("" when there is none)
    other_party: str  # a caller who may not see it: 404
    body: Callable[[World, Any], Any] = lambda world, thing: {}
    ok: int = 200
    multipart: bool = False


def employer_url(suffix: str = "") -> Callable[[World, Any], str]:
    return lambda world, employer: f"{EMPLOYERS}{employer.pk}/{suffix}"


def pledge_url(suffix: str = "") -> Callable[[World, Any], str]:
    return lambda world, pledge: f"{PLEDGES}{pledge.pk}/{suffix}"


def report_url(suffix: str = "") -> Callable[[World, Any], str]:
    return lambda world, report: f"{PLEDGES}{report.pledge_id}/reports/{report.pk}/{suffix}"


def role_url(suffix: str = "") -> Callable[[World, Any], str]:
    return lambda world, role: f"{ROLES}{role.pk}/{suffix}"


def colleague_url(world: World, employer: Employer) -> str:
    representative = Representative.objects.get(employer=employer, user=world.colleague)
    return f"{EMPLOYERS}{employer.pk}/representatives/{representative.pk}/remove/"


CASES = [
    # employers
    Case("employer-retrieve", "get", employer_url(), "employer:verified", "rep", "", "other_rep"),
    Case(
        "employer-update",
        "patch",
        employer_url(),
        "employer:verified",
        "rep",
        "manager",
        "other_rep",
        lambda w, t: {"region": "South"},
    ),
    Case(
        "employer-verify", "post", employer_url("verify/"), "employer:pending", "manager", "rep", "other_rep"
    ),
    Case(
        "employer-suspend",
        "post",
        employer_url("suspend/"),
        "employer:verified",
        "manager",
        "rep",
        "other_rep",
        lambda w, t: {"reason": "Registration lapsed."},
    ),
    Case(
        "employer-reinstate",
        "post",
        employer_url("reinstate/"),
        "employer:suspended",
        "admin",
        "rep",
        "other_rep",
        lambda w, t: {"reason": "Renewed."},
    ),
    # representatives
    Case(
        "representatives-list",
        "get",
        employer_url("representatives/"),
        "employer:verified",
        "rep",
        "",
        "other_rep",
    ),
    Case(
        "representatives-invite",
        "post",
        employer_url("representatives/"),
        "employer:verified",
        "rep",
        "manager",
        "other_rep",
        lambda w, t: {"email": "colleague@example.test"},
        ok=201,
    ),
    Case(
        "representatives-remove",
        "post",
        colleague_url,
        "employer:verified",
        "rep",
        "",
        "other_rep",
        lambda w, t: {"reason": "Left the company."},
    ),
    # pledges
    Case("pledge-retrieve", "get", pledge_url(), "pledge:draft", "rep", "", "other_rep"),
    Case(
        "pledge-update",
        "patch",
        pledge_url(),
        "pledge:draft",
        "rep",
        "manager",
        "other_rep",
        lambda w, t: {"framework_name": "Changed"},
    ),
    Case("pledge-submit", "post", pledge_url("submit/"), "pledge:draft", "rep", "manager", "other_rep"),
    Case(
        "pledge-activate", "post", pledge_url("activate/"), "pledge:submitted", "manager", "rep", "other_rep"
    ),
    Case(
        "pledge-return",
        "post",
        pledge_url("return/"),
        "pledge:submitted",
        "manager",
        "rep",
        "other_rep",
        lambda w, t: {"reason": "Add a wage floor."},
    ),
    Case(
        "pledge-withdraw",
        "post",
        pledge_url("withdraw/"),
        "pledge:active",
        "rep",
        "manager",
        "other_rep",
        lambda w, t: {"reason": "Hiring freeze."},
    ),
    Case("pledge-fulfil", "post", pledge_url("fulfil/"), "fulfillable:", "admin", "rep", "other_rep"),
    # progress reports
    Case(
        "reports-list",
        "get",
        lambda w, p: f"{PLEDGES}{p.pk}/reports/",
        "pledge:active",
        "rep",
        "",
        "other_rep",
    ),
    Case(
        "reports-create",
        "post",
        lambda w, p: f"{PLEDGES}{p.pk}/reports/",
        "pledge:active",
        "rep",
        "manager",
        "other_rep",
        lambda w, t: {
            "year": last_quarter()[0],
            "quarter": last_quarter()[1],
            "roles_converted": 1,
            "hires_total": 3,
            "hires_credential_holders": 1,
            "hires_without_degree": 2,
            "hires_priority_groups": 0,
            "evidence": payroll(),
        },
        ok=201,
        multipart=True,
    ),
    Case("report-retrieve", "get", report_url(), "report:submitted", "rep", "", "other_rep"),
    Case(
        "report-verify",
        "post",
        report_url("verify/"),
        "report:submitted",
        "manager",
        "rep",
        "other_rep",
        lambda w, t: {"verified_hires_total": 9, "note": "One hire was a transfer."},
    ),
    Case(
        "report-return",
        "post",
        report_url("return/"),
        "report:submitted",
        "manager",
        "rep",
        "other_rep",
        lambda w, t: {"note": "The extract is for another quarter."},
    ),
    Case("report-evidence", "get", report_url("evidence/"), "report:submitted", "rep", "", "other_rep"),
    # job roles
    Case("role-retrieve", "get", role_url(), "role:", "rep", "", "other_rep"),
    Case(
        "role-update",
        "patch",
        role_url(),
        "role:",
        "rep",
        "manager",
        "other_rep",
        lambda w, t: {"title": "Senior technician"},
    ),
    Case("role-close", "post", role_url("close/"), "role:", "rep", "admin", "other_rep"),
]


def call(case: Case, world: World, thing: Any, caller: str | None) -> Any:
    client = client_for(getattr(world, caller) if caller else None)
    url = case.url(world, thing)
    if case.method == "get":
        return client.get(url)
    return getattr(client, case.method)(
        url, case.body(world, thing), format="multipart" if case.multipart else "json"
    )


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_right_party_succeeds(case: Case, world: World) -> None:
    thing = world.thing(case.state)
    response = call(case, world, thing, case.right)
    assert response.status_code == case.ok, response.content


REFUSALS = [
    pytest.param(case, caller, expected, id=f"{case.name}-{caller}")
    for case in CASES
    for caller, expected in [
        (None, 401),
        ("wrong_role", 403),
        ("other_party", 404),
        ("worker", 404),
        ("official", 404),  # officials read aggregates only, never employer records
    ]
    if not (caller == "wrong_role" and not case.wrong_role)
]


@pytest.mark.parametrize(("case", "caller", "expected"), REFUSALS)
def test_refused_callers_change_nothing(case: Case, world: World, caller: str | None, expected: int) -> None:
    thing = world.thing(case.state)
    before = snapshot()
    outbox = len(mail.outbox)
    who = getattr(case, caller) if caller in ("wrong_role", "other_party") else caller
    response = call(case, world, thing, who)
    assert response.status_code == expected, response.content
    assert snapshot() == before
    assert len(mail.outbox) == outbox
    if expected == 404:  # reveals nothing: the same answer as for an id that does not exist
        assert response.json() == NOT_FOUND


def test_unknown_ids_are_404_like_other_parties(world: World) -> None:
    client = client_for(world.manager)
    for url in (
        f"{EMPLOYERS}999999/",
        f"{EMPLOYERS}999999/representatives/",
        f"{PLEDGES}999999/",
        f"{PLEDGES}999999/reports/",
        f"{ROLES}999999/",
        f"{EMPLOYERS}{'9' * 18}/",
    ):
        response = client.get(url)
        assert (response.status_code, response.json()) == (404, NOT_FOUND), url


def test_a_removed_representative_loses_access(world: World) -> None:
    pledge = PledgeFactory(employer=world.employer)
    client = client_for(world.colleague)
    assert client.get(f"{PLEDGES}{pledge.pk}/").status_code == 200
    Representative.objects.filter(user=world.colleague).update(removed_at=timezone.now())  # fixture
    assert client.get(f"{PLEDGES}{pledge.pk}/").status_code == 404
    assert client.get(f"{EMPLOYERS}{world.employer.pk}/").status_code == 404


# ---------------------------------------------------------------- employers


VALID_EMPLOYER = {
    "legal_name": "Acme Fabrication LLC",
    "trading_name": "Acme",
    "registration_number": "123456789",
    "naics_code": "332710",
    "size_class": "51-200",
    "region": "North",
    "address": "2 Mill Road",
    "website": "https://acme.example.test/",
}


def test_register_then_read_and_update_own_employer(world: World) -> None:
    newcomer = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    client = client_for(newcomer)
    created = client.post(EMPLOYERS, VALID_EMPLOYER, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["registration_number"], body["display_name"]) == (
        "pending",
        "12-3456789",
        "Acme",
    )
    assert body["sector_name"] == "Manufacturing"
    employer = Employer.objects.get(pk=body["id"])
    assert Representative.objects.filter(employer=employer, user=newcomer, removed_at__isnull=True).exists()
    assert [row["id"] for row in client.get(EMPLOYERS).json()["results"]] == [employer.pk]
    updated = client.patch(f"{EMPLOYERS}{employer.pk}/", {"trading_name": "Acme Works"}, format="json")
    assert (updated.status_code, updated.json()["display_name"]) == (200, "Acme Works")


def test_register_refusals(world: World) -> None:
    before = snapshot()
    assert APIClient().post(EMPLOYERS, VALID_EMPLOYER, format="json").status_code == 401
    for user in (world.worker, world.manager, world.official):
        assert client_for(user).post(EMPLOYERS, VALID_EMPLOYER, format="json").status_code == 403
    duplicate = client_for(world.other_rep).post(
        EMPLOYERS,
        {**VALID_EMPLOYER, "registration_number": world.employer.registration_number},
        format="json",
    )
    assert duplicate.status_code == 400
    assert duplicate.json() == {
        "registration_number": [
            "An employer with this registration number is already registered. Ask its representative to "
            "invite you (they can do that from their employer page)."
        ]
    }
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"registration_number": "00-1234567"}, "registration_number"),
        ({"registration_number": "12345"}, "registration_number"),
        ({"registration_number": 123456789}, "registration_number"),
        ({"naics_code": "99"}, "naics_code"),
        ({"naics_code": "5415111"}, "naics_code"),
        ({"naics_code": "abc"}, "naics_code"),
        ({"size_class": "huge"}, "size_class"),
        ({"website": "not a url"}, "website"),
        ({"legal_name": ""}, "legal_name"),
        ({"legal_name": None}, "legal_name"),
        ({"legal_name": ["a"]}, "legal_name"),
        ({"region": "x" * 61}, "region"),
        ({"status": "verified"}, "status"),
        ({"verified_at": "2026-01-01T00:00:00Z"}, "verified_at"),
        ({"created_by": 1}, "created_by"),
    ],
)
def test_register_bad_input_is_a_400_naming_the_field(world: World, change: dict, field: str) -> None:
    newcomer = user_with_role(Role.EMPLOYER_REPRESENTATIVE)
    before = snapshot()
    response = client_for(newcomer).post(EMPLOYERS, {**VALID_EMPLOYER, **change}, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_update_refuses_read_only_fields_and_applies_nothing(world: World) -> None:
    world.thing("employer:pending")
    client = client_for(world.rep)
    before = snapshot()
    for body in (
        {"status": "verified"},
        {"region": "South", "status": "verified"},
        {"verified_at": "2026-01-01T00:00:00Z"},
        {"id": 5},
    ):
        response = client.patch(f"{EMPLOYERS}{world.employer.pk}/", body, format="json")
        assert response.status_code == 400, body
        assert response.json()[next(key for key in body if key != "region")] == [
            "This field cannot be set here."
        ]
    assert snapshot() == before
    # Once verified, the registration number is fixed.
    set_status(world.employer, Employer.Status.VERIFIED)
    fixed = client.patch(
        f"{EMPLOYERS}{world.employer.pk}/", {"registration_number": "55-5555555"}, format="json"
    )
    assert fixed.status_code == 400
    assert "registration_number" in fixed.json()


def test_verification_moves_and_their_conflicts(world: World) -> None:
    world.thing("employer:pending")
    url = f"{EMPLOYERS}{world.employer.pk}/"
    manager = client_for(world.manager)
    assert manager.post(f"{url}reinstate/", {}, format="json").status_code == 409
    verified = manager.post(f"{url}verify/", {"reason": "Checked the EIN."}, format="json")
    assert (verified.status_code, verified.json()["status"]) == (200, "verified")
    assert verified.json()["verified_at"] is not None
    assert manager.post(f"{url}verify/", {}, format="json").status_code == 409
    assert manager.post(f"{url}suspend/", {}, format="json").status_code == 400
    assert manager.post(f"{url}suspend/", {"reason": "  "}, format="json").status_code == 400
    suspended = manager.post(f"{url}suspend/", {"reason": "Complaint."}, format="json")
    assert suspended.json()["status"] == "suspended"
    assert manager.post(f"{url}suspend/", {"reason": "Again."}, format="json").status_code == 409
    reinstated = manager.post(f"{url}reinstate/", {"reason": "Resolved."}, format="json")
    assert reinstated.json()["status"] == "verified"
    actions = list(EmployerEvent.objects.filter(employer=world.employer).values_list("action", "reason"))
    assert actions[-3:] == [
        ("verified", "Checked the EIN."),
        ("suspended", "Complaint."),
        ("verified", "Resolved."),
    ]
    assert manager.post(f"{url}verify/", {"reason": 5}, format="json").status_code == 400


def test_employer_list_filters_for_staff_and_own_for_representatives(world: World) -> None:
    pending = EmployerFactory(status=Employer.Status.PENDING, naics_code="621111", legal_name="Clinic Group")
    large = EmployerFactory(size_class=Employer.SizeClass.LARGE, legal_name="Zenith Motors")
    manager = client_for(world.manager)

    def ids(params: dict) -> set[int]:
        response = manager.get(EMPLOYERS, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids({}) == {world.employer.pk, world.other_employer.pk, pending.pk, large.pk}
    assert ids({"status": "pending"}) == {pending.pk}
    assert ids({"sector": "62"}) == {pending.pk}
    assert ids({"sector": "6211"}) == {pending.pk}
    assert ids({"sector": "xx"}) == set()
    assert ids({"size_class": "201+"}) == {large.pk}
    assert ids({"search": "zenith"}) == {large.pk}
    assert ids({"search": pending.registration_number}) == {pending.pk}
    assert manager.get(EMPLOYERS, {"status": "nonsense"}).status_code == 400
    assert manager.get(EMPLOYERS, {"status": ""}).status_code == 400
    assert manager.get(EMPLOYERS, {"sector": "1234567"}).status_code == 400
    assert {row["id"] for row in client_for(world.rep).get(EMPLOYERS).json()["results"]} == {
        world.employer.pk
    }
    assert client_for(world.worker).get(EMPLOYERS).status_code == 403
    assert client_for(world.official).get(EMPLOYERS).status_code == 403
    assert APIClient().get(EMPLOYERS).status_code == 401


# ---------------------------------------------------------------- representatives


def test_invite_accept_and_remove(world: World, django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    rep = client_for(world.rep)
    base = f"{EMPLOYERS}{world.employer.pk}/representatives/"
    with django_capture_on_commit_callbacks(execute=True):
        invited = rep.post(base, {"email": "New.Person@Example.test"}, format="json")
    assert invited.status_code == 201, invited.content
    assert invited.json()["email"] == "new.person@example.test"
    assert invited.json()["is_open"] is True
    assert len(mail.outbox) == 1
    token = _token_from(mail.outbox[0].body)

    stranger = user_with_role(Role.EMPLOYER_REPRESENTATIVE, email="someone.else@example.test")
    before = snapshot()
    assert client_for(stranger).post(ACCEPT, {"token": token}, format="json").status_code == 403
    assert client_for(stranger).post(ACCEPT, {"token": "garbage"}, format="json").status_code == 400
    assert client_for(stranger).post(ACCEPT, {"token": 12}, format="json").status_code == 400
    assert client_for(stranger).post(ACCEPT, {}, format="json").status_code == 400
    assert APIClient().post(ACCEPT, {"token": token}, format="json").status_code == 401
    assert snapshot() == before

    newcomer = user_with_role(Role.WORKER, email="new.person@example.test")
    accepted = client_for(newcomer).post(ACCEPT, {"token": token}, format="json")
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["user"]["id"] == newcomer.pk
    assert client_for(newcomer).post(ACCEPT, {"token": token}, format="json").status_code == 400
    assert {row["id"] for row in client_for(newcomer).get(EMPLOYERS).json()["results"]} == {world.employer.pk}

    listed = rep.get(base).json()["results"]
    assert {row["user"]["id"] for row in listed} == {world.rep.pk, world.colleague.pk, newcomer.pk}
    new_row = next(row for row in listed if row["user"]["id"] == newcomer.pk)
    assert rep.post(f"{base}{new_row['id']}/remove/", {}, format="json").status_code == 400
    removed = rep.post(f"{base}{new_row['id']}/remove/", {"reason": "Wrong team."}, format="json")
    assert removed.status_code == 200
    assert (removed.json()["is_active"], removed.json()["removal_reason"]) == (False, "Wrong team.")
    assert rep.post(f"{base}{new_row['id']}/remove/", {"reason": "Again."}, format="json").status_code == 409
    # Another employer's representative record is not reachable through this employer.
    other = Representative.objects.get(employer=world.other_employer, user=world.other_rep)
    assert rep.post(f"{base}{other.pk}/remove/", {"reason": "x"}, format="json").status_code == 404


def _token_from(body: str) -> str:
    """The token is the last part of the mailed link's path."""
    link = re.search(r"https?://\S+", body)
    assert link is not None, body
    return link.group(0).rstrip("/").rsplit("/", 1)[-1]


def test_invite_bad_input(world: World) -> None:
    rep = client_for(world.rep)
    base = f"{EMPLOYERS}{world.employer.pk}/representatives/"
    before = snapshot()
    for body in (
        {},
        {"email": "nope"},
        {"email": 5},
        {"email": ["a@b.test"]},
        {"email": "a@b.test", "role": "x"},
    ):
        assert rep.post(base, body, format="json").status_code == 400, body
    already = rep.post(base, {"email": world.colleague.email}, format="json")
    assert already.status_code == 400
    assert snapshot() == before
    assert mail.outbox == []


def test_staff_may_remove_a_representative(world: World) -> None:
    row = Representative.objects.get(employer=world.employer, user=world.colleague)
    response = client_for(world.admin).post(
        f"{EMPLOYERS}{world.employer.pk}/representatives/{row.pk}/remove/",
        {"reason": "Fraud."},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["removal_reason"] == "Fraud."
    assert EmployerEvent.objects.filter(employer=world.employer, action="representative_removed").count() == 1


def test_the_last_representative_cannot_be_removed(world: World) -> None:
    employer = EmployerFactory()
    only = representative_of(employer)
    row = Representative.objects.get(employer=employer, user=only)
    before = snapshot()
    response = client_for(only).post(
        f"{EMPLOYERS}{employer.pk}/representatives/{row.pk}/remove/", {"reason": "Leaving."}, format="json"
    )
    assert response.status_code == 400
    assert snapshot() == before


# ---------------------------------------------------------------- pledges


def pledge_body(world: World, **change: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "employer": world.employer.pk,
        "framework_name": "Skills-First Pledge",
        "start_date": str(today),
        "target_date": str(today + timedelta(days=365)),
        "roles_converted_target": 2,
        "non_degree_hires_target": 5,
        "wage_floor": "42000.00",
        **change,
    }


def test_pledge_lifecycle_through_the_api(world: World) -> None:
    rep = client_for(world.rep)
    manager = client_for(world.manager)
    created = rep.post(PLEDGES, pledge_body(world), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["employer"], body["wage_floor"]) == ("draft", world.employer.pk, "42000.00")
    url = f"{PLEDGES}{body['id']}/"
    assert rep.post(f"{url}submit/").json()["status"] == "submitted"
    assert rep.patch(url, {"framework_name": "Late"}, format="json").status_code == 409
    assert manager.post(f"{url}return/", {}, format="json").status_code == 400
    returned = manager.post(f"{url}return/", {"reason": "Raise the targets."}, format="json")
    assert (returned.json()["status"], returned.json()["staff_note"]) == ("returned", "Raise the targets.")
    assert (
        rep.patch(url, {"non_degree_hires_target": 9}, format="json").json()["non_degree_hires_target"] == 9
    )
    assert rep.post(f"{url}submit/").status_code == 200
    activated = manager.post(f"{url}activate/", {"reason": "Looks right."}, format="json")
    assert activated.json()["status"] == "active"
    assert manager.post(f"{url}activate/", {}, format="json").status_code == 409
    assert manager.post(f"{url}fulfil/", {}, format="json").status_code in (400, 409)
    assert rep.post(f"{url}withdraw/", {}, format="json").status_code == 400
    withdrawn = rep.post(f"{url}withdraw/", {"reason": "Merger."}, format="json")
    assert withdrawn.json()["status"] == "withdrawn"
    actions = list(PledgeEvent.objects.filter(pledge_id=body["id"]).values_list("action", flat=True))
    assert actions == ["created", "submitted", "returned", "updated", "submitted", "activated", "withdrawn"]


def test_pledge_of_an_unverified_employer_cannot_be_activated(world: World) -> None:
    world.thing("employer:pending")
    pledge = PledgeFactory(employer=world.employer, status=Pledge.Status.SUBMITTED)
    before = snapshot()
    response = client_for(world.manager).post(f"{PLEDGES}{pledge.pk}/activate/", {}, format="json")
    assert response.status_code == 409
    assert snapshot() == before


def test_pledge_create_refusals(world: World) -> None:
    before = snapshot()
    assert APIClient().post(PLEDGES, pledge_body(world), format="json").status_code == 401
    for user in (world.worker, world.manager):
        assert client_for(user).post(PLEDGES, pledge_body(world), format="json").status_code == 403
    # Another employer's id is an unknown id to this representative.
    other = client_for(world.other_rep).post(PLEDGES, pledge_body(world), format="json")
    assert other.status_code == 400
    assert "employer" in other.json()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"roles_converted_target": -1}, "roles_converted_target"),
        ({"roles_converted_target": HUGE}, "roles_converted_target"),
        ({"roles_converted_target": "3"}, "roles_converted_target"),
        ({"roles_converted_target": 2.5}, "roles_converted_target"),
        ({"roles_converted_target": True}, "roles_converted_target"),
        ({"start_date": "yesterday"}, "start_date"),
        ({"start_date": "2026-13-45"}, "start_date"),
        ({"start_date": 20260101}, "start_date"),
        ({"target_date": "1999-01-01"}, "target_date"),
        ({"wage_floor": 42000.5}, "wage_floor"),
        ({"wage_floor": "-1.00"}, "wage_floor"),
        ({"wage_floor": "1e400"}, "wage_floor"),
        ({"wage_floor": "9" * 40}, "wage_floor"),
        ({"employer": HUGE}, "employer"),
        ({"employer": "1"}, "employer"),
        ({"employer": None}, "employer"),
        ({"framework_name": ""}, "framework_name"),
        ({"status": "active"}, "status"),
        ({"staff_note": "x"}, "staff_note"),
        ({"activated_at": "2026-01-01T00:00:00Z"}, "activated_at"),
    ],
)
def test_pledge_bad_input_is_a_400(world: World, change: dict, field: str) -> None:
    before = snapshot()
    response = client_for(world.rep).post(PLEDGES, pledge_body(world, **change), format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_pledge_update_refuses_read_only_fields(world: World) -> None:
    pledge = PledgeFactory(employer=world.employer)
    before = snapshot()
    for body in ({"status": "active"}, {"employer": world.other_employer.pk}, {"submitted_at": None}):
        response = client_for(world.rep).patch(f"{PLEDGES}{pledge.pk}/", body, format="json")
        assert response.status_code == 400, body
        assert response.json() == {next(iter(body)): ["This field cannot be set here."]}
    bad_dates = client_for(world.rep).patch(
        f"{PLEDGES}{pledge.pk}/", {"target_date": str(pledge.start_date)}, format="json"
    )
    assert bad_dates.status_code == 400
    assert snapshot() == before


def test_progress_counts_verified_figures_only(world: World) -> None:
    pledge = PledgeFactory(
        employer=world.employer,
        status=Pledge.Status.ACTIVE,
        roles_converted_target=4,
        credential_holder_hires_target=10,
        non_degree_hires_target=0,
        priority_group_hires_target=0,
    )
    ProgressReportFactory(
        pledge=pledge,
        status=ProgressReport.Status.VERIFIED,
        year=2025,
        quarter=1,
        roles_converted=2,
        hires_total=10,
        hires_credential_holders=5,
        hires_without_degree=6,
        hires_priority_groups=0,
    )
    ProgressReportFactory(
        pledge=pledge,
        status=ProgressReport.Status.SUBMITTED,
        year=2025,
        quarter=2,
        roles_converted=2,
        hires_total=10,
        hires_credential_holders=5,
        hires_without_degree=6,
        hires_priority_groups=0,
    )
    HireFactory(job_role=JobRoleFactory(employer=world.employer, pledge=pledge))
    progress = client_for(world.rep).get(f"{PLEDGES}{pledge.pk}/").json()["progress"]
    commitments = {row["name"]: row for row in progress["commitments"]}
    assert commitments["roles_converted_target"] == {
        "name": "roles_converted_target",
        "label": commitments["roles_converted_target"]["label"],
        "target": 4,
        "verified": 2,
        "attainment_percent": 50,
        "met": False,
    }
    assert commitments["credential_holder_hires_target"]["verified"] == 5
    assert commitments["non_degree_hires_target"]["attainment_percent"] is None
    assert (progress["verified_hires_total"], progress["verified_reports"]) == (10, 1)
    assert progress["employer_reported_hires"] == 1
    assert progress["in_name_only"] is None  # representatives never see the flag
    staff = client_for(world.manager).get(f"{PLEDGES}{pledge.pk}/").json()["progress"]
    assert staff["in_name_only"] is False


def test_in_name_only_flag_is_shown_to_staff(world: World) -> None:
    pledge = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)
    for quarter in (1, 2):
        ProgressReportFactory(
            pledge=pledge,
            status=ProgressReport.Status.VERIFIED,
            year=2025,
            quarter=quarter,
            roles_converted=2,
            hires_total=20,
            hires_credential_holders=0,
            hires_without_degree=0,
            hires_priority_groups=0,
        )
    assert client_for(world.manager).get(f"{PLEDGES}{pledge.pk}/").json()["progress"]["in_name_only"] is True
    listed = client_for(world.manager).get(PLEDGES).json()["results"]
    assert next(row for row in listed if row["id"] == pledge.pk)["progress"]["in_name_only"] is True
    assert client_for(world.rep).get(f"{PLEDGES}{pledge.pk}/").json()["progress"]["in_name_only"] is None


def test_pledge_list_filters(world: World) -> None:
    draft = PledgeFactory(employer=world.employer)
    active = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)
    other = PledgeFactory(employer=world.other_employer, status=Pledge.Status.ACTIVE)
    manager = client_for(world.manager)

    def ids(client: APIClient, params: dict) -> set[int]:
        response = client.get(PLEDGES, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(manager, {}) == {draft.pk, active.pk, other.pk}
    assert ids(manager, {"status": "active"}) == {active.pk, other.pk}
    assert ids(manager, {"employer": world.other_employer.pk}) == {other.pk}
    assert ids(client_for(world.rep), {}) == {draft.pk, active.pk}
    assert ids(client_for(world.rep), {"employer": world.other_employer.pk}) == set()
    for params in (
        {"status": "x"},
        {"employer": ""},
        {"employer": HUGE},
        {"employer": "abc"},
        {"employer": "1.5"},
    ):
        assert manager.get(PLEDGES, params).status_code == 400, params
    assert client_for(world.worker).get(PLEDGES).status_code == 403


# ---------------------------------------------------------------- progress reports


def report_body(**change: Any) -> dict[str, Any]:
    year, quarter = last_quarter()
    return {
        "year": year,
        "quarter": quarter,
        "roles_converted": 1,
        "hires_total": 4,
        "hires_credential_holders": 2,
        "hires_without_degree": 3,
        "hires_priority_groups": 1,
        "evidence": payroll(),
        **change,
    }


def test_report_submit_verify_and_download(world: World) -> None:
    pledge = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)
    base = f"{PLEDGES}{pledge.pk}/reports/"
    rep = client_for(world.rep)
    created = rep.post(base, report_body(evidence=payroll("Q3 payroll.csv")), format="multipart")
    assert created.status_code == 201, created.content
    report = created.json()
    assert (report["status"], report["hires_total"], report["verified_hires_total"]) == ("submitted", 4, None)
    assert report["evidence_name"] == "Q3 payroll.csv"
    assert report["evidence_url"].endswith(f"{base}{report['id']}/evidence/")
    download = rep.get(report["evidence_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == "text/csv"
    assert 'filename="Q3 payroll.csv"' in download["Content-Disposition"]
    assert b"".join(download.streaming_content) == PAYROLL_CSV
    assert client_for(world.manager).get(report["evidence_url"]).status_code == 200
    assert client_for(world.other_rep).get(report["evidence_url"]).status_code == 404
    assert APIClient().get(report["evidence_url"]).status_code == 401

    assert rep.post(base, report_body(), format="multipart").status_code == 400  # quarter already reported
    manager = client_for(world.manager)
    verified = manager.post(
        f"{base}{report['id']}/verify/",
        {"verified_hires_total": 3, "verified_hires_without_degree": 2, "note": "One transfer."},
        format="json",
    )
    assert verified.status_code == 200, verified.content
    body = verified.json()
    assert (body["status"], body["verified_hires_total"], body["verified_hires_without_degree"]) == (
        "verified",
        3,
        2,
    )
    assert body["verified_roles_converted"] == 1  # confirmed as reported
    assert manager.post(f"{base}{report['id']}/verify/", {}, format="json").status_code == 409
    assert manager.post(f"{base}{report['id']}/return/", {"note": "x"}, format="json").status_code == 409
    assert rep.get(base).json()["count"] == 1


def test_a_returned_report_is_corrected_by_submitting_again(world: World) -> None:
    report = world.thing("report:submitted")
    base = f"{PLEDGES}{report.pledge_id}/reports/"
    manager = client_for(world.manager)
    assert manager.post(f"{base}{report.pk}/return/", {}, format="json").status_code == 400
    returned = manager.post(f"{base}{report.pk}/return/", {"note": "Wrong quarter."}, format="json")
    assert (returned.json()["status"], returned.json()["staff_note"]) == ("returned", "Wrong quarter.")
    again = client_for(world.rep).post(
        base, report_body(year=report.year, quarter=report.quarter, hires_total=5), format="multipart"
    )
    assert again.status_code == 201, again.content
    assert (again.json()["id"], again.json()["status"], again.json()["hires_total"]) == (
        report.pk,
        "submitted",
        5,
    )


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"quarter": 5}, "quarter"),
        ({"quarter": "first"}, "quarter"),
        ({"year": "abc"}, "year"),
        ({"year": str(HUGE)}, "year"),
        ({"hires_total": -1}, "hires_total"),
        ({"hires_total": str(HUGE)}, "hires_total"),
        ({"hires_without_degree": 9}, "hires_without_degree"),
        ({"evidence": SimpleUploadedFile("x.exe", b"MZ\x90\x00binary", content_type="text/csv")}, "evidence"),
        ({"evidence": SimpleUploadedFile("empty.csv", b"", content_type="text/csv")}, "evidence"),
        ({"evidence": "not a file"}, "evidence"),
        ({"verified_hires_total": 4}, "verified_hires_total"),
        ({"status": "verified"}, "status"),
    ],
)
def test_report_bad_input_is_a_400(world: World, change: dict, field: str) -> None:
    pledge = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)
    before = snapshot()
    response = client_for(world.rep).post(
        f"{PLEDGES}{pledge.pk}/reports/", report_body(**change), format="multipart"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_report_rules_the_schema_cannot_express(world: World) -> None:
    draft = PledgeFactory(employer=world.employer)
    active = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)
    rep = client_for(world.rep)
    before = snapshot()
    assert rep.post(f"{PLEDGES}{draft.pk}/reports/", report_body(), format="multipart").status_code == 409
    future = timezone.localdate().year + 1
    response = rep.post(f"{PLEDGES}{active.pk}/reports/", report_body(year=future), format="multipart")
    assert (response.status_code, list(response.json())) == (400, ["quarter"])
    json_body = rep.post(f"{PLEDGES}{active.pk}/reports/", {"year": 2025}, format="json")
    assert json_body.status_code == 415
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {"verified_hires_total": -1},
        {"verified_hires_total": HUGE},
        {"verified_hires_total": "3"},
        {"verified_hires_total": 1},  # below the reported hires without a degree
        {"status": "verified"},
        {"note": 5},
    ],
)
def test_report_verify_bad_input(world: World, body: dict) -> None:
    report = world.thing("report:submitted")
    before = snapshot()
    response = client_for(world.manager).post(
        f"{PLEDGES}{report.pledge_id}/reports/{report.pk}/verify/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert snapshot() == before


# ---------------------------------------------------------------- job roles


def role_body(world: World, **change: Any) -> dict[str, Any]:
    return {
        "employer": world.employer.pk,
        "title": "Welder",
        "skills": [make_skill("WELD").pk],
        "degree_required_before": True,
        "degree_required_after": False,
        "assessment_method": "work_sample",
        "wage_min": "40000.00",
        "wage_max": "52000.00",
        "open_positions": 3,
        **change,
    }


def test_job_role_create_update_close(world: World) -> None:
    occupation = Occupation.objects.create(code="51-4121.06", title="Welders, Cutters, and Welder Fitters")
    pledge = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)
    rep = client_for(world.rep)
    created = rep.post(ROLES, role_body(world, occupation=occupation.code, pledge=pledge.pk), format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["employer"] == world.employer.pk
    assert body["occupation"] == {"code": occupation.code, "title": occupation.title}
    assert [skill["code"] for skill in body["skills"]] == ["WELD"]
    assert (body["degree_requirement_removed"], body["pledge"], body["is_open"]) == (True, pledge.pk, True)
    assert body["effective_region"] == world.employer.region
    url = f"{ROLES}{body['id']}/"
    second = make_skill("CUT")
    updated = rep.patch(url, {"skills": [second.pk], "region": "East", "wage_max": "60000.00"}, format="json")
    assert updated.status_code == 200, updated.content
    assert [skill["code"] for skill in updated.json()["skills"]] == ["CUT"]
    assert (updated.json()["effective_region"], updated.json()["wage_max"]) == ("East", "60000.00")
    closed = rep.post(f"{url}close/", {}, format="json")
    assert closed.json()["is_open"] is False
    assert rep.post(f"{url}close/", {}, format="json").status_code == 409


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"skills": [999999]}, "skills"),
        ({"skills": [HUGE]}, "skills"),
        ({"skills": ["abc"]}, "skills"),
        ({"skills": "1"}, "skills"),
        ({"occupation": "99-9999.99"}, "occupation"),
        ({"occupation": 5}, "occupation"),
        ({"pledge": HUGE}, "pledge"),
        ({"assessment_method": "vibes"}, "assessment_method"),
        ({"wage_min": "70000.00"}, "wage_max"),
        ({"wage_min": 40000}, "wage_min"),
        ({"wage_min": "0.00"}, "wage_min"),
        ({"open_positions": -2}, "open_positions"),
        ({"open_positions": HUGE}, "open_positions"),
        ({"degree_required_before": "yes"}, "degree_required_before"),
        ({"title": "x" * 201}, "title"),
        ({"is_open": False}, "is_open"),
        ({"employer": HUGE}, "employer"),
    ],
)
def test_job_role_bad_input_is_a_400(world: World, change: dict, field: str) -> None:
    body = role_body(world, **change)
    before = snapshot()
    response = client_for(world.rep).post(ROLES, body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_job_role_refusals(world: World) -> None:
    other_pledge = PledgeFactory(employer=world.other_employer)
    role = JobRoleFactory(employer=world.employer)
    before = snapshot()
    for user in (world.worker, world.manager, world.official):
        assert client_for(user).post(ROLES, role_body(world), format="json").status_code == 403
    assert client_for(world.other_rep).post(ROLES, role_body(world), format="json").status_code == 400
    # Another employer's pledge is unknown to this representative.
    response = client_for(world.rep).post(ROLES, role_body(world, pledge=other_pledge.pk), format="json")
    assert (response.status_code, list(response.json())) == (400, ["pledge"])
    # The employer of a role cannot change.
    moved = client_for(world.rep).patch(
        f"{ROLES}{role.pk}/", {"employer": world.other_employer.pk}, format="json"
    )
    assert moved.json() == {"employer": ["This field cannot be set here."]}
    assert snapshot() == before


def test_job_role_list_filters(world: World) -> None:
    weld = make_skill("WELD")
    open_role = JobRoleFactory(employer=world.employer, skills=[weld])
    closed_role = JobRoleFactory(employer=world.employer, is_open=False)
    other_role = JobRoleFactory(employer=world.other_employer, skills=[weld])
    manager = client_for(world.manager)

    def ids(client: APIClient, params: dict) -> set[int]:
        response = client.get(ROLES, params)
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert ids(manager, {}) == {open_role.pk, closed_role.pk, other_role.pk}
    assert ids(manager, {"employer": world.employer.pk}) == {open_role.pk, closed_role.pk}
    assert ids(manager, {"is_open": "false"}) == {closed_role.pk}
    assert ids(manager, {"skill": weld.pk}) == {open_role.pk, other_role.pk}
    assert ids(client_for(world.rep), {}) == {open_role.pk, closed_role.pk}
    assert ids(client_for(world.rep), {"skill": weld.pk}) == {open_role.pk}
    for params in ({"skill": HUGE}, {"skill": ""}, {"employer": "-1"}, {"is_open": "58871"}, {"is_open": ""}):
        assert manager.get(ROLES, params).status_code == 400, params
    assert client_for(world.worker).get(ROLES).status_code == 403


# ---------------------------------------------------------------- query counts


def _grow(world: World, kind: str, count: int) -> None:
    for _index in range(count):
        if kind == "employers":
            employer = EmployerFactory()
            representative_of(employer)
        elif kind == "pledges":
            pledge = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)
            ProgressReportFactory(pledge=pledge, status=ProgressReport.Status.VERIFIED, year=2025, quarter=1)
            HireFactory(job_role=JobRoleFactory(employer=world.employer, pledge=pledge))
        elif kind == "roles":
            JobRoleFactory(employer=world.employer, skills=[make_skill(f"K{JobRole.objects.count()}")])
        elif kind == "representatives":
            new_representative_of(world.employer)
        elif kind == "reports":
            ProgressReportFactory(pledge=world.pledge_for_reports, year=2020 + ProgressReport.objects.count())


# (records, address, caller, queries): the caller's roles, the count, the page, and any prefetch.
LISTS = [
    ("employers", lambda w: EMPLOYERS, "manager", 3),
    ("pledges", lambda w: PLEDGES, "manager", 3),  # progress is annotated in the page's query
    ("pledges", lambda w: PLEDGES, "rep", 3),
    ("roles", lambda w: ROLES, "manager", 4),  # + the skills
    ("roles", lambda w: ROLES, "rep", 4),
    ("representatives", lambda w: f"{EMPLOYERS}{w.employer.pk}/representatives/", "rep", 4),  # + employer
    ("reports", lambda w: f"{PLEDGES}{w.pledge_for_reports.pk}/reports/", "rep", 4),  # + pledge
]


@pytest.mark.parametrize(
    ("kind", "url", "role", "queries"), LISTS, ids=[f"{k}-{r}" for k, _u, r, _q in LISTS]
)
def test_list_query_counts_do_not_grow(
    world: World, kind: str, url: Any, role: str, queries: int, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    world.pledge_for_reports = PledgeFactory(employer=world.employer, status=Pledge.Status.ACTIVE)  # type: ignore[attr-defined]
    for added in (2, 5):
        _grow(world, kind, added)
        client = client_for(getattr(world, role))  # a fresh user each time, as each request loads one
        with django_assert_num_queries(queries):
            response = client.get(url(world), {"page_size": 50})
        assert response.status_code == 200, response.content
        assert len(response.json()["results"]) >= added
