"""IDs of other parties' records, in every URL and in API bodies.

URLs: for every URL whose ids point at one party's records (tests/security/urls.py OWNED), a person with
the right role who is NOT that party (another worker, another employer's representative, a reviewer not
assigned, a manager of another program) is answered 404 (GET and POST), and nothing changes.

Bodies: API requests that name a record by id (application, job role, worker, employer, payments...),
with the other party's id, are refused with 400/404 and change nothing."""

import pytest
from django.test import Client

from accounts.roles import Role
from tests.security.urls import OWNED, PAGE_AND_API_URLS, PROGRAM_SCOPED, SHARED, snapshot, url_of
from tests.security.world import World

ID_NAMES = sorted(OWNED)


def _client_for(world: World, role: Role, name: str) -> Client:
    user = world.user_for(role)
    if name.startswith("api:"):
        return Client(HTTP_AUTHORIZATION=f"Token {world.tokens[str(role)]}")
    client = Client()
    client.force_login(user)
    return client


def test_every_url_with_an_object_id_is_classified() -> None:
    """A new URL with an id must be added to OWNED (a party's record) or SHARED (staff-wide)."""
    with_ids = {name for name, _url in PAGE_AND_API_URLS if _has_object_id(name)}
    unclassified = with_ids - set(OWNED) - set(SHARED) - UNOWNED
    assert unclassified == set(), f"classify these in tests/security/urls.py: {sorted(unclassified)}"


# URLs with ids whose records belong to no party of a role that has peers (staff-wide records, tokens,
# the admin, the public catalog), checked elsewhere (test_url_access, the API's own tests).
UNOWNED = {
    "accounts:verify_email",
    "accounts:password_reset_confirm",
    "employers:invitation_accept",
    "grants:employee_link",
    "grants:document_download",  # needs a document: tests/grants cover it; see test_uploads here
    "grants:outcome_answer",  # needs a follow-up question
    "reports:export_download",  # an export belongs to its owner: tests/reporting
    "reports:export_retry",
    "reports:export_stream",
    "reports:quarterly_report",
    "employers:representative_remove",
    "programs:cap_rule_remove",
    "programs:eligibility_rule_remove",
    "programs:scoring_criterion_remove",
    "programs:request_detail",
    "programs:request_approve",
    "programs:request_decline",
    "programs:request_syllabus",
    "programs:badge_issuer_revoke",
    # staff-wide records (finance, verification, catalog, users): every holder of the role sees them all
    "api:payment-batch-detail",
    "api:payment-batch-discard",
    "api:payment-batch-export",
    "api:payment-batch-reconcile",
    "api:payment-batch-send",
    "api:payment-detail",
    "api:payment-retry",
    "api:clawback-detail",
    "api:employer-reinstate",
    "api:employer-suspend",
    "api:employer-verify",
    "api:pledge-activate",
    "api:pledge-fulfil",
    "api:pledge-return",
    "api:pledge-report-return",
    "api:pledge-report-verify",
    "api:user-detail",
    "api:user-grant-role",
    "api:user-revoke-role",
    "api:user-role-changes",
    "api:credential-detail",
    "api:provider-detail",
    "api:skill-detail",
    "api:badge-issuer-detail",
    "api:badge-issuer-list",
    "api:badge-issuer-revoke",
    "api:credential-request-approve",
    "api:credential-request-decline",
    "api:credential-request-detail",
    "api:program-detail",
    "api:program-eligibility-check",
    "api:program-cap-detail",
    "api:program-credential-detail",
    "api:program-criterion-detail",
    "api:program-eligibility-rule-detail",
    "api:program-round-detail",
    # a party's records the world has none of yet (covered by their apps' API tests)
    "api:application-document",
    "api:outcome-detail",
    "api:outcome-follow-up-detail",
    "api:export-detail",
    "api:export-download",
    "api:representative-remove",
}


def _has_object_id(name: str) -> bool:
    if name.startswith(("admin:", "<unnamed")) or name in ("api:unknown-path",):
        return False
    url = dict(PAGE_AND_API_URLS)[name]
    return any(part in url.split("/") for part in ("1", "sample")) and "sample.csv" not in url


@pytest.mark.parametrize("name", ID_NAMES)
def test_another_party_of_the_same_role_gets_404(world: World, db, name: str) -> None:  # type: ignore[no-untyped-def]
    role, _fill = OWNED[name]
    url = url_of(name, world.theirs, "")
    assert url, name
    intruder = _client_for(world, role, name)
    before = snapshot()
    got = intruder.get(url)
    posted = intruder.post(url, {"reason": "x", "body": "x"})
    assert snapshot() == before, f"{name}: another party's request changed data"
    if name in PROGRAM_SCOPED:
        assert got.status_code in (200, 403, 404, 405), f"{name} GET {url}: {got.status_code}"
        assert posted.status_code in (403, 404, 405), f"{name} POST {url}: {posted.status_code}"
        return
    assert got.status_code in (404, 405), f"{name} GET {url} as another {role}: {got.status_code}"
    assert posted.status_code in (404, 405), f"{name} POST {url} as another {role}: {posted.status_code}"


def _bodies(world: World) -> list[tuple[str, Role, str, dict]]:
    t = world.theirs
    return [
        (
            "application for their employer",
            Role.EMPLOYER_REPRESENTATIVE,
            "/api/v1/applications/",
            {
                "program": world.mine.program.code,
                "credential": world.mine.credential.pk,
                "amount_requested": "100.00",
                "employer": t.employer.pk,
                "employee_email": "x@example.test",
                "employee_name": "X",
            },
        ),
        (
            "pledge for their employer",
            Role.EMPLOYER_REPRESENTATIVE,
            "/api/v1/pledges/",
            {
                "employer": t.employer.pk,
                "framework_name": "Forged",
                "start_date": "2026-01-01",
                "target_date": "2028-01-01",
                "roles_converted_target": 1,
            },
        ),
        (
            "job role for their employer",
            Role.EMPLOYER_REPRESENTATIVE,
            "/api/v1/job-roles/",
            {
                "employer": t.employer.pk,
                "title": "Forged",
                "open_positions": 1,
            },
        ),
        (
            "hire into their job role",
            Role.EMPLOYER_REPRESENTATIVE,
            "/api/v1/hires/",
            {
                "job_role": t.job_role.pk,
                "worker": t.paid.applicant_id,
                "hired_on": "2026-01-05",
                "has_four_year_degree": False,
            },
        ),
        (
            "invite to their job role",
            Role.EMPLOYER_REPRESENTATIVE,
            "/api/v1/matches/invite/",
            {
                "job_role": t.job_role.pk,
                "worker": t.paid.applicant_id,
            },
        ),
        (
            "outcome on their award",
            Role.WORKER,
            "/api/v1/outcomes/",
            {
                "application": t.paid.pk,
                "quarter_after_completion": 2,
                "employment_status": "unemployed",
                "observed_on": "2026-01-05",
            },
        ),
        (
            "assign a reviewer to their application",
            Role.PROGRAM_MANAGER,
            f"/api/v1/applications/{t.submitted.pk}/assign/",
            {"reviewer": t.reviewer.pk},
        ),
        (
            "clawback on their award as a worker",
            Role.WORKER,
            "/api/v1/clawbacks/",
            {
                "application": t.paid.pk,
                "amount": "10.00",
                "reason_code": "fraud",
                "explanation": "x",
            },
        ),
    ]


BODY_CASES = list(range(8))  # the cases of _bodies, which needs the world to build


@pytest.mark.parametrize("index", BODY_CASES)
def test_api_body_with_another_partys_id_is_refused(world: World, db, index: int) -> None:  # type: ignore[no-untyped-def]
    label, role, path, body = _bodies(world)[index]
    client = Client(HTTP_AUTHORIZATION=f"Token {world.tokens[str(role)]}")
    before = snapshot()
    response = client.post(path, body, content_type="application/json")
    assert snapshot() == before, label
    assert response.status_code in (400, 403, 404), (
        f"{label}: {response.status_code} {response.content[:300]!r}"
    )
    if response.status_code == 403:
        # Only a role gate may say 403 (a worker may not record clawbacks at all).
        assert role == Role.WORKER, f"{label}: 403 where 400/404 was due"
        assert "clawback" in label, f"{label}: 403 where 400/404 was due"


def _owner_client(world: World, role: Role, name: str) -> Client:
    from rest_framework.authtoken.models import Token

    from grants.models import Application, CompletionClaim

    kwargs = OWNED[name][1](world.theirs)
    if role == Role.WORKER:  # the applicant of the application in the URL
        application = (
            CompletionClaim.objects.get(pk=kwargs["pk"]).application
            if name == "api:claim-detail"
            else Application.objects.get(pk=kwargs["pk"])
        )
        world.theirs.worker = application.applicant
    user = {
        Role.WORKER: world.theirs.worker,
        Role.PROGRAM_MANAGER: world.theirs.manager,
        Role.REVIEWER: world.theirs.reviewer,
        Role.EMPLOYER_REPRESENTATIVE: world.theirs.representative,
    }[role]
    if name.startswith("api:"):
        token, _created = Token.objects.get_or_create(user=user)
        return Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    client = Client()
    client.force_login(user)
    return client


# Owners' URLs that do not answer a GET from the owner either (POST-only moves, or a state the world's
# record is not in), so they prove nothing as a control.
NO_OWNER_GET = {"grants:letter_download", "api:application-letter"}  # no letter until its task ran


@pytest.mark.parametrize("name", ID_NAMES)
def test_control_the_party_itself_is_not_answered_404(world: World, db, name: str) -> None:  # type: ignore[no-untyped-def]
    """The 404s above mean "not yours": the party itself finds the same URL (any answer but 404)."""
    role, _fill = OWNED[name]
    url = url_of(name, world.theirs, "")
    owner_worker = world.theirs.worker
    try:
        response = _owner_client(world, role, name).get(url)
    finally:
        world.theirs.worker = owner_worker
    if name in NO_OWNER_GET:
        return
    assert response.status_code != 404, f"{name} GET {url} as its own {role}: 404"
