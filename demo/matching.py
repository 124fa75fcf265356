"""Demo employers at work (issue 6): the employers' own records (demo.employers), then what they do with
grants' services: hires of candidates, invitations to candidates, and applications filed for employees.

- Workers with verified awards are the candidates. If too few of them opted in to being contacted by
  employers, some more opt in, through worker_profile_save(contact_by_employers=True), as on their
  profile page.
- The job roles take their skills from the credentials those workers earned, so every role has candidates.
- Representatives of the employers with roles record hires of candidates (candidate_hire_record): each hire
  counts in the pledge as employer-reported and becomes an employer-reported outcome of the worker's funded
  credential. They invite a few other candidates to apply (candidate_invite).
- employer@demo.skillsfund.test files three applications in TECHREIMB-26 for employees
  (employer_application_create): a draft and an approved one for new (fictional) employees, and a submitted
  one for an existing demo worker.

Nothing is written behind the services' backs here. A fixed random seed makes every run produce the same data;
running it again when the demo employers exist does nothing.
"""

import random
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from demo.applications import PEOPLE_DOMAIN
from demo.employers import (
    EMPLOYER_EMAIL,
    EMPLOYERS,
    MANAGER_EMAIL,
    ROLE_PLANS,
    demo_employer,
    demo_employers_exist,
    seed_demo_employers,
)
from employers.models import Employer, JobRole, Representative
from grants.applications import services
from grants.applications.employer import employer_application_create
from grants.matching.selectors import VERIFIED_COMPLETION, candidates_for_role
from grants.matching.services import candidate_hire_record, candidate_invite
from grants.models import Application, WorkerProfile
from programs.models import Credential, Program, ProgramCredential
from programs.selectors import open_round

SEED = 2607
TECHREIMB = "TECHREIMB-26"
OPTED_IN_MINIMUM = 12  # candidates the demo wants among workers with verified awards
INVITATION_MESSAGES = (
    "Your verified credential matches this role closely. We assess by work sample, not degree: apply if it "
    "interests you.",
    "We are hiring for this role and your skills fit. Reply through SkillsFund if you would like to talk.",
)
# employer@'s filings: (status to reach, employee name or "" for an existing demo worker, credential title
# start).
FILINGS = (
    ("draft", "Marisol Vega", "AWS Certified Cloud Practitioner"),
    ("submitted", "", "CompTIA Security+"),
    ("approved", "Tobias Greene", "Google IT Support"),
)


def _verified_awards() -> list[Application]:
    return list(
        Application.objects.filter(status__in=VERIFIED_COMPLETION, employer__isnull=True)
        .select_related("applicant", "credential")
        .order_by("pk")
    )


def _opt_in(awards: list[Application], minimum: int) -> set[int]:
    """Make workers with verified awards opt in (through the profile service) until `minimum` have."""
    workers = list({award.applicant_id: award.applicant for award in awards}.values())
    opted = set(
        WorkerProfile.objects.filter(user__in=workers, contact_by_employers=True).values_list(
            "user_id", flat=True
        )
    )
    for worker in workers:
        if len(opted) >= minimum:
            break
        if worker.pk not in opted and worker.is_active:
            services.worker_profile_save(user=worker, contact_by_employers=True)
            opted.add(worker.pk)
    return opted


def _credentials(awards: list[Application], opted: set[int]) -> list[Credential]:
    """The credentials opted-in workers earned (verified), most common first: the job roles' skills."""
    counts: dict[int, int] = {}
    credentials: dict[int, Credential] = {}
    for award in awards:
        if award.applicant_id in opted:
            counts[award.credential_id] = counts.get(award.credential_id, 0) + 1
            credentials[award.credential_id] = award.credential
    return [credentials[pk] for pk in sorted(counts, key=lambda pk: (-counts[pk], pk))]


def _first_representative(employer: Employer) -> User:
    if employer.pk == getattr(demo_employer(), "pk", None):
        return User.objects.get(email__iexact=EMPLOYER_EMAIL)
    representative = (
        Representative.objects.filter(employer=employer, removed_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    ).first()
    if representative is None:  # the services never leave an employer without one
        raise RuntimeError(f"Employer {employer.pk} has no representative.")
    return representative.user


def _hires(rng: random.Random) -> dict[str, int]:
    """In the employers with roles, hire a candidate into most roles and invite one or two others."""
    made = {"hires": 0, "outcomes": 0, "invitations": 0}
    names = [spec.legal_name for spec in EMPLOYERS if spec.plan in ROLE_PLANS]
    today = timezone.localdate()
    hired: set[int] = set()
    employers = Employer.objects.filter(legal_name__in=names).order_by("pk")
    for employer in employers:
        actor = _first_representative(employer)
        is_demo = employer.registration_number == getattr(demo_employer(), "registration_number", "")
        for index, role in enumerate(
            JobRole.objects.filter(employer=employer, is_open=True).select_related("pledge").order_by("pk")
        ):
            candidates = [c for c in candidates_for_role(role)[:8] if c.pk not in hired]
            if not candidates:
                continue
            # The demo employer leaves its last role unfilled, so it has fresh candidates to look at.
            if not (is_demo and index == 2) and rng.random() < 0.85:
                worker = candidates.pop(0)
                start = role.pledge.start_date if role.pledge else today
                hired_on = max(start, today - timedelta(days=rng.randint(3, 50)))
                wage = role.wage_min + Decimal(rng.randrange(0, int(role.wage_max - role.wage_min) + 1, 500))
                _hire, outcome = candidate_hire_record(
                    actor=actor,
                    job_role=role,
                    worker=worker,
                    hired_on=hired_on,
                    has_four_year_degree=rng.random() < 0.2,
                    annual_wage=wage,
                )
                hired.add(worker.pk)
                made["hires"] += 1
                made["outcomes"] += outcome is not None
            for worker in candidates[: 2 if is_demo else rng.randint(0, 1)]:
                candidate_invite(
                    actor=actor, job_role=role, worker=worker, message=rng.choice(INVITATION_MESSAGES)
                )
                made["invitations"] += 1
    return made


def _credential(program: Program, title_start: str) -> Credential | None:
    links = ProgramCredential.objects.filter(program=program).select_related("credential").order_by("pk")
    for link in links:
        if link.credential.title.lower().startswith(title_start.lower()):
            return link.credential
    return None


def _filings() -> int:
    """employer@ files for employees in TECHREIMB-26: one draft, one submitted, one approved."""
    program = Program.objects.filter(code=TECHREIMB, status=Program.Status.OPEN).first()
    employer = demo_employer()
    if program is None or employer is None or open_round(program) is None:
        return 0
    erin = User.objects.get(email__iexact=EMPLOYER_EMAIL)
    manager = User.objects.get(email__iexact=MANAGER_EMAIL)
    made = 0
    for target, name, title in FILINGS:
        credential = _credential(program, title)
        if credential is None:
            continue
        if name:
            email = f"{name.lower().replace(' ', '.')}@brightpath.employers.demo.skillsfund.test"
        else:
            worker = (
                User.objects.filter(email__iendswith="@" + PEOPLE_DOMAIN, is_active=True)
                .exclude(applications__credential=credential)
                .order_by("pk")
                .first()
            )
            if worker is None:
                continue
            email, name = worker.email, worker.full_name
        application = employer_application_create(
            actor=erin,
            employer=employer,
            program=program,
            credential=credential,
            employee_email=email,
            employee_name=name,
            amount_requested=min(credential.cost, Decimal("2000.00")),
            statement=(
                f"{name} joins our support team; {credential.title} is the credential the role asks for. "
                "We pay the fee up front and claim reimbursement on completion."
            ),
        )
        made += 1
        if target == "draft":
            continue
        services.application_submit(actor=erin, application=application)
        if target == "approved":
            services.application_begin_review(actor=manager, application=application)
            services.application_approve(
                actor=manager, application=application, reason="Eligible employer; the credential is funded."
            )
    return made


@transaction.atomic
def seed_demo_matching(*, rng_seed: int = SEED) -> dict[str, Any]:
    """Seed the demo employers (demo.employers) with job roles matching the credentials of opted-in workers
    with verified awards, then hires, candidate invitations and employer@'s filings. Returns counts; all
    zero if the demo employers exist already."""
    made: dict[str, Any] = {"opted_in": 0, "hires": 0, "outcomes": 0, "invitations": 0, "filings": 0}
    if demo_employers_exist():
        return made
    rng = random.Random(rng_seed)  # noqa: S311 - repeatable demo data, not security
    awards = _verified_awards()
    before = WorkerProfile.objects.filter(contact_by_employers=True).count()
    opted = _opt_in(awards, OPTED_IN_MINIMUM)
    made["opted_in"] = WorkerProfile.objects.filter(contact_by_employers=True).count() - before
    made.update(seed_demo_employers(credentials=_credentials(awards, opted) or None))
    made.update(_hires(rng))
    made["filings"] = _filings()
    return made
