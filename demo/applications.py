"""Demo applications: a few hundred fictional workers applying to the demo programs, in every state.

Everything goes through the services (grants/applications/services.py), acting as the worker, the demo program
manager and the demo reviewer, so the demo has the same events, snapshots, ledger commitments and
notices as real use. Afterwards only timestamps are moved into the past (Application.created_at,
submitted_at and decided_at, and the matching request, assignment and review times), so that reports
show a spread over time; statuses are never changed behind the services' backs. Application events
are append-only and keep the time the seeding ran.

The people are fictional: `firstname.lastname.N@people.demo.skillsfund.test`, with unusable passwords.
A fixed random seed makes every run produce the same data (apart from references and "now").
Race and ethnicity answers follow SPD 15 (core/demographics.py) and deliberately include a few small
groups (fewer than 10 Native Hawaiian or Pacific Islander, fewer than 10 Middle Eastern or North
African people) so small-cell suppression can be shown.

Prerequisites: the demo accounts (demo.accounts) and programs (demo.programs) exist and the programs'
current rounds are open.
"""

import random
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from accounts.models import User
from accounts.roles import Role
from core.demographics import PREFER_NOT_TO_SAY, RACE_ETHNICITY_DETAILS, age_in_years
from grants.applications import services
from grants.applications.letters import letter_generate
from grants.models import (
    Application,
    ApplicationDocument,
    InformationRequest,
    Review,
    ReviewAssignment,
)
from programs.models import Credential, FundingRound, Program, ProgramCredential
from programs.selectors import open_round

S = Application.Status
R = Application.RejectionReason

PEOPLE_DOMAIN = "people.demo.skillsfund.test"
MANAGER_EMAIL = "manager@demo.skillsfund.test"
REVIEWER_EMAIL = "reviewer@demo.skillsfund.test"
WORKER_EMAIL = "worker@demo.skillsfund.test"
WORKER2_EMAIL = "worker2@demo.skillsfund.test"
SKILLCREDIT, ITA = "SKILLCREDIT-26", "ITA-26"
SEED = 2026
# Decision letters rendered for fictional people; the rest are made when first downloaded. Each PDF takes
# about a second (font subsetting), so a few show the letter without slowing `make demo` down.
OTHER_LETTERS = 4

FIRST_NAMES = (
    "Aaliyah",
    "Adebayo",
    "Aiko",
    "Alejandro",
    "Amara",
    "Ana",
    "Andre",
    "Anh",
    "Arjun",
    "Ayesha",
    "Beatriz",
    "Benjamin",
    "Carlos",
    "Chen",
    "Chidi",
    "Daniela",
    "Darius",
    "Deepa",
    "Diego",
    "Dmitri",
    "Elena",
    "Emeka",
    "Emily",
    "Fatima",
    "Felipe",
    "Grace",
    "Hana",
    "Hassan",
    "Hyun",
    "Imani",
    "Isabel",
    "Jamal",
    "Javier",
    "Jennifer",
    "Jin",
    "José",
    "Kai",
    "Kateryna",
    "Keanu",
    "Kwame",
    "Laila",
    "Leilani",
    "Liam",
    "Lucía",
    "Malia",
    "Marcus",
    "María",
    "Mei",
    "Michael",
    "Minh",
    "Nadia",
    "Naveen",
    "Nia",
    "Noah",
    "Olivia",
    "Omar",
    "Priya",
    "Rafael",
    "Rashida",
    "Ravi",
    "Rosa",
    "Samir",
    "Sarah",
    "Sefa",
    "Sione",
    "Sofia",
    "Tariq",
    "Thanh",
    "Tiana",
    "Tomás",
    "Valentina",
    "Wei",
    "Xavier",
    "Yasmin",
    "Yusuf",
    "Zainab",
    "Zoe",
    "Connor",
    "Megan",
    "Dakota",
)
LAST_NAMES = (
    "Abdullah",
    "Adeyemi",
    "Alvarez",
    "Anderson",
    "Begay",
    "Brown",
    "Castillo",
    "Chavez",
    "Cho",
    "Davis",
    "Delgado",
    "Diallo",
    "Fernandez",
    "Fifita",
    "Garcia",
    "Gonzalez",
    "Haddad",
    "Hernandez",
    "Hoang",
    "Ibrahim",
    "Jackson",
    "Johnson",
    "Kahananui",
    "Kaur",
    "Khan",
    "Kim",
    "Kowalski",
    "Lee",
    "Lopez",
    "Martinez",
    "Mendoza",
    "Miller",
    "Mohammed",
    "Murphy",
    "Nakamura",
    "Nguyen",
    "Novak",
    "Okafor",
    "O'Brien",
    "Ortiz",
    "Patel",
    "Perez",
    "Ramirez",
    "Reyes",
    "Robinson",
    "Rodriguez",
    "Rossi",
    "Said",
    "Schmidt",
    "Silva",
    "Singh",
    "Smith",
    "Sullivan",
    "Tanaka",
    "Taylor",
    "Thomas",
    "Tran",
    "Tuiasosopo",
    "Walker",
    "Washington",
    "Williams",
    "Wilson",
    "Wong",
    "Yazzie",
    "Young",
)

REGION_WEIGHTS = {"North": 16, "Central": 24, "South": 18, "Coastal": 12, "Metro": 30}
EMPLOYMENT_WEIGHTS = {
    "employed_full_time": 27,
    "employed_part_time": 26,
    "self_employed": 7,
    "unemployed": 35,
    "not_in_labour_force": 5,
}
INCOME_WEIGHTS = {
    "under_25k": 28,
    "25k_50k": 38,
    "50k_75k": 17,
    "75k_100k": 7,
    "100k_plus": 3,
    PREFER_NOT_TO_SAY: 7,
}
# Target shares of final statuses; drafts also include people who are not (yet) eligible.
STATUS_WEIGHTS = {
    S.DRAFT: 10,
    S.SUBMITTED: 10,
    S.IN_REVIEW: 15,
    S.MORE_INFO_REQUESTED: 5,
    S.APPROVED: 35,
    S.REJECTED: 15,
    S.WITHDRAWN: 10,
}
# Single race/ethnicity answers, by weight (small groups are placed separately, see _race_plan).
RACE_WEIGHTS = {"white": 46, "hispanic": 19, "black": 15, "asian": 7, "aian": 2}
MULTI_COMBINATIONS = (
    ("hispanic", "white"),
    ("black", "white"),
    ("asian", "white"),
    ("black", "hispanic"),
    ("aian", "white"),
    ("asian", "black"),
)
ITA_REGIONS = {"Central", "South", "Metro"}
ITA_EMPLOYMENT = {"unemployed", "employed_part_time"}
ITA_INCOME = {"under_25k", "25k_50k"}

STATEMENTS = (
    "I have worked in retail for six years and want a job with regular hours and a path to promotion.",
    "My employer closed the plant last spring; this credential is what local employers ask for.",
    "I already do some of this work informally and want a recognised credential to prove it.",
    "I am returning to work after caring for my family and need up-to-date skills.",
    "Job postings in my area list this certification; it would let me apply for those roles.",
    "I work part time and want to move into a full-time role in this field.",
    "My supervisor said this credential is the next step to a lead position.",
    "I completed the free introductory course and want to finish the full certificate.",
)
WITHDRAW_REASONS = (
    "My employer has agreed to pay for the course.",
    "I am moving out of Lakeland for a new job.",
    "I chose a different course that starts sooner.",
    "Family circumstances mean I cannot start training this year.",
    "",
)
QUESTIONS = (
    "Please upload the enrolment offer or quote from the provider showing the course start date and fee.",
    "Please send proof of your address in Lakeland, such as a utility bill from the last three months.",
    "Please confirm your current hours of work, for example with your two most recent pay stubs.",
    "The fee you entered differs from the provider's published fee. Please upload the provider's quote.",
)
ANSWERS = (
    "I have uploaded the provider's enrolment offer; the course starts next month.",
    "I have attached a utility bill from last month showing my address.",
    "My two most recent pay stubs are attached; I work about 20 hours a week.",
    "The provider's quote is attached; the fee includes the exam voucher.",
)
REJECTIONS: dict[str, tuple[tuple[str, str, int], ...]] = {
    # program -> (reason code, explanation the applicant reads, weight)
    SKILLCREDIT: (
        (
            R.INCOMPLETE,
            "We asked for the provider's enrolment offer and did not receive it within 30 days.",
            4,
        ),
        (
            R.NOT_ELIGIBLE,
            "The proof of address you sent shows an address outside Lakeland; the credit is for residents.",
            2,
        ),
        (
            R.OTHER,
            "The course starts more than six months after the decision, outside the program's training "
            "window. You are welcome to apply again closer to the start date.",
            2,
        ),
    ),
    ITA: (
        (
            R.LOW_SCORE,
            "Your application scored below the funding line for this round; other applications ranked "
            "higher on local demand for the occupation. You may apply again in the next round.",
            5,
        ),
        (
            R.NOT_ELIGIBLE,
            "The pay stubs you sent show full-time work; this program is for people who are unemployed "
            "or working part time.",
            2,
        ),
        (
            R.INCOMPLETE,
            "We asked for the provider's quote and did not receive it within 30 days.",
            2,
        ),
    ),
}
REVIEW_COMMENTS = {
    Review.Recommendation.APPROVE: (
        "Documents complete and consistent; the credential leads to an in-demand occupation.",
        "Clear plan; provider quote matches the published fee.",
        "Eligible; strong case for the credential given recent work history.",
    ),
    Review.Recommendation.REJECT: (
        "Weak link between the credential and local openings; plan has gaps.",
        "Documents do not support the eligibility answers.",
        "Provider quote missing after request.",
    ),
    Review.Recommendation.MORE_INFO: (
        "Need the provider's quote before recommending.",
        "Proof of address is missing.",
    ),
}

# A minimal one-page PDF, uploaded as a provider's quote on the demo workers' applications.
QUOTE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


@dataclass
class Person:
    """What the seed decides about one fictional worker before writing anything."""

    email: str
    full_name: str
    profile: dict[str, Any]
    demographics: dict[str, Any]
    target: str
    program_code: str = ""
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Context:
    rng: random.Random
    now: datetime
    manager: User
    reviewer: User
    programs: dict[str, Program]
    rounds: dict[str, FundingRound]
    credentials: dict[str, list[ProgramCredential]]
    criteria: dict[int, list[int]]  # program id -> its scoring criteria's ids, for scored programs
    worker_group: Group


# ---------------------------------------------------------------- choosing


def _pick(rng: random.Random, weights: Mapping[Any, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _eligible_for(profile: dict[str, Any], today: date) -> list[str]:
    """The demo programs a profile passes (mirrors the demo programs' rules; the services re-check)."""
    programs = []
    if profile["date_of_birth"] and age_in_years(profile["date_of_birth"], today) >= 25:
        programs.append(SKILLCREDIT)
    if (
        profile["region"] in ITA_REGIONS
        and profile["employment_status"] in ITA_EMPLOYMENT
        and profile["household_income_band"] in ITA_INCOME
    ):
        programs.append(ITA)
    return programs


def _profile(rng: random.Random, today: date) -> dict[str, Any]:
    age = rng.choices(range(19, 64), weights=[3 if 25 <= a <= 45 else 2 for a in range(19, 64)])[0]
    birthday = today - timedelta(days=age * 365 + rng.randrange(0, 360))
    while age_in_years(birthday, today) != age:  # leap days: land inside the chosen year of age
        birthday += timedelta(days=1 if age_in_years(birthday, today) > age else -1)
    status = _pick(rng, EMPLOYMENT_WEIGHTS)
    income = _pick(rng, INCOME_WEIGHTS)
    if status == "employed_full_time" and income == "under_25k" and rng.random() < 0.6:
        income = "25k_50k"
    return {
        "region": _pick(rng, REGION_WEIGHTS),
        "date_of_birth": birthday,
        "employment_status": status,
        "household_income_band": income,
        "contact_by_employers": rng.random() < 0.45,
    }


def _race_plan(rng: random.Random, count: int) -> list[list[str]]:
    """One list of SPD 15 answers per person, shuffled: mostly single categories (often with a detailed
    answer), some multi-selections, ~8% prefer not to say or no answer, and a few deliberately small
    groups (NHPI and MENA alone, never in combinations, so each stays under 10 people)."""
    small = {"nhpi": max(1, min(7, round(count * 0.02))), "mena": max(1, min(8, round(count * 0.017)))}
    answers: list[list[str]] = []
    for category, people in small.items():
        answers += [[category] for _ in range(people)]
    not_reported = round(count * 0.08)
    answers += [[PREFER_NOT_TO_SAY] for _ in range(not_reported * 5 // 8)]
    answers += [[] for _ in range(not_reported - not_reported * 5 // 8)]
    multi = round(count * 0.06)
    answers += [list(rng.choice(MULTI_COMBINATIONS)) for _ in range(multi)]
    while len(answers) < count:
        answers.append([_pick(rng, RACE_WEIGHTS)])
    answers = answers[:count]
    detailed = []
    for categories in answers:
        codes = []
        for category in categories:
            details = RACE_ETHNICITY_DETAILS.get(category, [])
            if details and rng.random() < 0.55:
                codes.append(rng.choice(details)[0])
                if rng.random() < 0.1:  # a second detail in the same category
                    codes.append(rng.choice(details)[0])
            else:
                codes.append(category)
        detailed.append(codes)
    rng.shuffle(detailed)
    return detailed


def _demographics(rng: random.Random, race_ethnicity: list[str]) -> dict[str, Any]:
    blank_all = not race_ethnicity and rng.random() < 0.7  # most who skip the question skip them all
    if blank_all:
        return {"race_ethnicity": [], "sex": "", "veteran": "", "disability": ""}
    return {
        "race_ethnicity": race_ethnicity,
        "sex": _pick(rng, {"female": 51, "male": 45, "another": 1, PREFER_NOT_TO_SAY: 2, "": 1}),
        "veteran": _pick(rng, {"yes": 7, "no": 88, PREFER_NOT_TO_SAY: 3, "": 2}),
        "disability": _pick(rng, {"yes": 10, "no": 82, PREFER_NOT_TO_SAY: 5, "": 3}),
    }


def _people(rng: random.Random, count: int, today: date) -> list[Person]:
    races = _race_plan(rng, count)
    people = []
    for number in range(1, count + 1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = "".join(
            ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == ".")
        )
        target = _pick(rng, STATUS_WEIGHTS)
        # Those who apply mostly pass the rules: draw profiles until one passes the wanted program's.
        wanted = ITA if rng.random() < 0.4 else SKILLCREDIT
        profile = _profile(rng, today)
        eligible = _eligible_for(profile, today)
        tries = 0
        while target != S.DRAFT and wanted not in eligible and tries < 40:
            profile, tries = _profile(rng, today), tries + 1
            eligible = _eligible_for(profile, today)
        if wanted in eligible:
            program = wanted
        elif eligible:
            program = eligible[0]
        else:
            target, program = S.DRAFT, SKILLCREDIT  # a draft the person cannot submit (yet)
        demographics = _demographics(rng, races[number - 1])
        # Most veterans claim priority of service on their profile; some people with a disability do.
        profile["priority_veteran"] = demographics["veteran"] == "yes" and rng.random() < 0.8
        profile["priority_disability"] = demographics["disability"] == "yes" and rng.random() < 0.4
        people.append(
            Person(
                email=f"{local}.{number}@{PEOPLE_DOMAIN}",
                full_name=f"{first} {last}",
                profile=profile,
                demographics=demographics,
                target=target,
                program_code=program,
            )
        )
    return people


# ---------------------------------------------------------------- writing through the services


def _context(rng: random.Random) -> Context:
    manager = User.objects.filter(email__iexact=MANAGER_EMAIL).first()
    reviewer = User.objects.filter(email__iexact=REVIEWER_EMAIL).first()
    programs = {p.code: p for p in Program.objects.filter(code__in=[SKILLCREDIT, ITA])}
    if manager is None or reviewer is None or len(programs) != 2:
        raise RuntimeError("Seed the demo accounts and programs before the demo applications.")
    rounds = {}
    for code, program in programs.items():
        funding_round = open_round(program)
        if funding_round is None:
            raise RuntimeError(f"{code} has no open round, so nobody can apply to it now.")
        rounds[code] = funding_round
    credentials = {
        code: list(ProgramCredential.objects.filter(program=program).select_related("credential"))
        for code, program in programs.items()
    }
    return Context(
        rng=rng,
        now=timezone.now(),
        manager=manager,
        reviewer=reviewer,
        programs=programs,
        rounds=rounds,
        credentials=credentials,
        criteria={
            program.pk: list(program.scoring_criteria.values_list("pk", flat=True))
            for program in programs.values()
            if program.selection_method == Program.SelectionMethod.SCORED
        },
        worker_group=Group.objects.get(name=Role.WORKER),
    )


def _amount(application: Application) -> Decimal:
    """The most the applicant may ask for now: the credential's cost within the program's caps."""
    caps = services.assess(application)["caps"]
    return min(application.credential.cost, caps.maximum)


def _apply(ctx: Context, worker: User, code: str, credential: Credential | None = None) -> Application:
    program = ctx.programs[code]
    if credential is None:
        links = ctx.credentials[code]
        healthcare = [link for link in links if link.maximum_amount == Decimal("7500.00")]
        pool = healthcare if healthcare and ctx.rng.random() < 0.35 else links
        credential = ctx.rng.choice(pool).credential
    probe = Application(applicant=worker, program=program, credential=credential)
    return services.application_create(
        actor=worker,
        program=program,
        credential=credential,
        amount_requested=_amount(probe),
        statement=ctx.rng.choice(STATEMENTS),
    )


def _attach_quote(worker: User, application: Application, kind: str = ApplicationDocument.Kind.QUOTE) -> None:
    upload = SimpleUploadedFile("provider-quote.pdf", QUOTE_PDF, content_type="application/pdf")
    services.application_document_add(actor=worker, application=application, file=upload, kind=kind)


def _review(ctx: Context, application: Application, recommendation: str, *, good: bool = True) -> None:
    """Assign the demo reviewer, declare no conflict, and submit a review (scored where the program is)."""
    services.application_assign(actor=ctx.manager, application=application, reviewer=ctx.reviewer)
    services.conflict_declare(actor=ctx.reviewer, application=application, has_conflict=False)
    scores = {}
    criteria = ctx.criteria.get(application.program_id, [])
    if criteria:
        low, high = (3, 5) if good else (1, 3)
        scores = {str(pk): ctx.rng.randint(low, high) for pk in criteria}
    checklist = {key: True for key in Review.CHECKLIST}
    if not good:
        checklist[ctx.rng.choice(["documents", "eligibility", "cost"])] = False
    services.review_submit(
        actor=ctx.reviewer,
        application=application,
        checklist=checklist,
        scores=scores,
        recommendation=recommendation,
        comments=ctx.rng.choice(REVIEW_COMMENTS[Review.Recommendation(recommendation)]),
    )


def _into_review(
    ctx: Context, application: Application, *, recommendation: str = "", good: bool = True
) -> str:
    """Move a submitted application into review, mostly with an assigned reviewer. Returns how."""
    if recommendation and ctx.rng.random() < 0.75:
        _review(ctx, application, recommendation, good=good)
        return "reviewed"
    services.application_begin_review(actor=ctx.manager, application=application)
    return "manager"


def _ask(ctx: Context, application: Application) -> int:
    index = ctx.rng.randrange(len(QUESTIONS))
    services.application_request_info(actor=ctx.manager, application=application, question=QUESTIONS[index])
    return index


def _reject(ctx: Context, application: Application, code: str) -> None:
    reasons = REJECTIONS[code]
    reason, explanation, _weight = ctx.rng.choices(reasons, weights=[r[2] for r in reasons])[0]
    services.application_reject(
        actor=ctx.manager, application=application, reason_code=reason, explanation=explanation
    )


def _drive(ctx: Context, worker: User, application: Application, target: str, code: str) -> str:
    """Take a new draft to `target` through the services; returns a note of the path taken."""
    rng = ctx.rng
    if target == S.DRAFT:
        return "draft"
    if target == S.WITHDRAWN and rng.random() < 0.3:
        services.application_withdraw(
            actor=worker, application=application, reason=rng.choice(WITHDRAW_REASONS)
        )
        return "withdrawn_draft"
    services.application_submit(actor=worker, application=application)
    if target == S.SUBMITTED:
        return "submitted"
    if target == S.WITHDRAWN and rng.random() < 0.55:
        services.application_withdraw(
            actor=worker, application=application, reason=rng.choice(WITHDRAW_REASONS)
        )
        return "withdrawn_submitted"
    if target == S.IN_REVIEW:
        roll = rng.random()
        if roll < 0.25:
            services.application_begin_review(actor=ctx.manager, application=application)
            return "in_review_manager"
        if roll < 0.45:  # assigned; the reviewer has not yet declared a conflict or not
            services.application_assign(actor=ctx.manager, application=application, reviewer=ctx.reviewer)
            return "in_review_assigned"
        if roll < 0.85:
            _review(ctx, application, rng.choice(list(Review.Recommendation.values)), good=rng.random() < 0.7)
            return "in_review_reviewed"
        services.application_begin_review(actor=ctx.manager, application=application)
        index = _ask(ctx, application)
        services.application_respond(actor=worker, application=application, answer=ANSWERS[index])
        return "in_review_answered"
    if target == S.MORE_INFO_REQUESTED:
        _into_review(ctx, application, recommendation=Review.Recommendation.MORE_INFO)
        _ask(ctx, application)
        return "more_info"
    if target == S.WITHDRAWN:
        _into_review(ctx, application)
        services.application_withdraw(
            actor=worker, application=application, reason=rng.choice(WITHDRAW_REASONS)
        )
        return "withdrawn_in_review"
    if target == S.APPROVED:
        _into_review(ctx, application, recommendation=Review.Recommendation.APPROVE)
        if rng.random() < 0.12:  # asked for more first, answered, then approved
            index = _ask(ctx, application)
            services.application_respond(actor=worker, application=application, answer=ANSWERS[index])
        services.application_approve(actor=ctx.manager, application=application)
        return "approved"
    if target == S.REJECTED:
        _into_review(ctx, application, recommendation=Review.Recommendation.REJECT, good=False)
        _reject(ctx, application, code)
        return "rejected"
    raise ValueError(f"unknown target status {target!r}")


def _worker(ctx: Context, person: Person) -> User:
    user = User.objects.filter(email__iexact=person.email).first()
    if user is None:
        user = User.objects.create_user(
            person.email, None, full_name=person.full_name, email_verified_at=ctx.now
        )
        user.groups.add(ctx.worker_group)
    services.worker_profile_save(user=user, **person.profile)
    services.demographics_save(user=user, **person.demographics)
    return user


# ---------------------------------------------------------------- backdating


def _backdate(ctx: Context, application: Application, path: str) -> None:
    """Spread the application over the time its round has been open (at most ~5 months): later states
    are more recent. Only timestamps change, never the status."""
    rng, now = ctx.rng, ctx.now
    application.refresh_from_db(fields=["status", "submitted_at", "decided_at"])
    opened = max(application.funding_round.opens_at, now - timedelta(days=150)) + timedelta(hours=2)
    span = (now - opened).total_seconds()
    recent = {"submitted": 0.25, "in_review": 0.5, "more_info_requested": 0.5}.get(
        str(application.status), 1.0
    )
    if application.status == S.DRAFT or path == "withdrawn_draft":
        created = now - timedelta(seconds=span * rng.random() * 0.9)
        Application.objects.filter(pk=application.pk).update(created_at=created)
        return
    submitted = now - timedelta(seconds=span * recent * (0.05 + 0.95 * rng.random()))
    created = max(opened, submitted - timedelta(hours=rng.randint(1, 24 * 6)))
    fields: dict[str, Any] = {"created_at": created, "submitted_at": submitted}
    latest = now - timedelta(minutes=30)  # nothing lands in the future
    moment = submitted + timedelta(hours=rng.randint(6, 24 * 4))
    assignment = ReviewAssignment.objects.filter(application=application).first()
    if assignment is not None:
        assigned = min(moment, latest)
        ReviewAssignment.objects.filter(pk=assignment.pk).update(
            assigned_at=assigned,
            conflict_declared_at=min(assigned + timedelta(hours=2), latest)
            if assignment.conflict_declared_at
            else None,
        )
        reviewed = min(assigned + timedelta(hours=rng.randint(3, 72)), latest)
        Review.objects.filter(assignment=assignment).update(submitted_at=reviewed)
        moment = reviewed + timedelta(hours=rng.randint(12, 24 * 5))
    for request in InformationRequest.objects.filter(application=application):
        asked = min(moment, latest)
        answered = (
            min(asked + timedelta(hours=rng.randint(4, 24 * 4)), latest) if request.answered_at else None
        )
        InformationRequest.objects.filter(pk=request.pk).update(requested_at=asked, answered_at=answered)
        moment = (answered or asked) + timedelta(days=rng.randint(1, 5))
    if application.decided_at is not None:
        fields["decided_at"] = min(moment + timedelta(days=rng.randint(1, 14)), now - timedelta(minutes=10))
    Application.objects.filter(pk=application.pk).update(**fields)


# ---------------------------------------------------------------- the demo workers


def _demo_workers(ctx: Context) -> list[Application]:
    """worker@ gets four applications (approved with a letter, in review, more information requested, draft);
    worker2@ gets two (rejected with a letter, submitted). Skipped for a demo worker who has applications."""
    made: list[Application] = []
    worker = User.objects.filter(email__iexact=WORKER_EMAIL).first()
    if worker is not None and not worker.applications.exists():
        today = timezone.localdate()
        services.worker_profile_save(
            user=worker,
            region="Metro",
            address="48 Harbour Street, Apt 3\nLakeland City, LK 40211",
            date_of_birth=today.replace(year=today.year - 34) - timedelta(days=40),
            employment_status="employed_part_time",
            household_income_band="25k_50k",
            contact_by_employers=True,
        )
        services.demographics_save(
            user=worker,
            race_ethnicity=["hispanic.mexican", "white"],
            sex="female",
            veteran="no",
            disability="no",
        )
        credential = _credential(ctx, SKILLCREDIT, "Google Data Analytics Professional Certificate")
        approved = _apply(ctx, worker, SKILLCREDIT, credential)
        _attach_quote(worker, approved)
        services.application_submit(actor=worker, application=approved)
        _review(ctx, approved, Review.Recommendation.APPROVE)
        services.application_approve(
            actor=ctx.manager,
            application=approved,
            reason="Eligible resident; the course is on the approved list.",
        )
        in_review = _apply(ctx, worker, ITA, _credential(ctx, ITA, "CompTIA Security+"))
        _attach_quote(worker, in_review)
        services.application_submit(actor=worker, application=in_review)
        _review(ctx, in_review, Review.Recommendation.APPROVE)
        more_info = _apply(
            ctx, worker, ITA, _credential(ctx, ITA, "Cisco Certified Network Associate (CCNA)")
        )
        services.application_submit(actor=worker, application=more_info)
        services.application_begin_review(actor=ctx.manager, application=more_info)
        services.application_request_info(actor=ctx.manager, application=more_info, question=QUESTIONS[0])
        draft = _apply(ctx, worker, ITA, _credential(ctx, ITA, "CompTIA A+"))
        made += [approved, in_review, more_info, draft]
        for application, path in zip(
            made, ["approved", "in_review_reviewed", "more_info", "draft"], strict=True
        ):
            _backdate(ctx, application, path)
    worker2 = User.objects.filter(email__iexact=WORKER2_EMAIL).first()
    if worker2 is not None and not worker2.applications.exists():
        today = timezone.localdate()
        services.worker_profile_save(
            user=worker2,
            region="South",
            address="7 Mill Lane\nSouthport, LK 40518",
            date_of_birth=today.replace(year=today.year - 47) - timedelta(days=100),
            employment_status="unemployed",
            household_income_band="under_25k",
            priority_veteran=True,
        )
        services.demographics_save(
            user=worker2, race_ethnicity=["black.jamaican"], sex="male", veteran="yes", disability="no"
        )
        rejected = _apply(ctx, worker2, ITA, _credential(ctx, ITA, "Certified Bookkeeper"))
        services.application_submit(actor=worker2, application=rejected)
        _review(ctx, rejected, Review.Recommendation.REJECT, good=False)
        services.application_reject(
            actor=ctx.manager,
            application=rejected,
            reason_code=R.LOW_SCORE,
            explanation=REJECTIONS[ITA][0][1],
        )
        submitted = _apply(ctx, worker2, SKILLCREDIT, _credential(ctx, SKILLCREDIT, "OSHA 30-Hour"))
        services.application_submit(actor=worker2, application=submitted)
        _backdate(ctx, rejected, "rejected")
        _backdate(ctx, submitted, "submitted")
        made += [rejected, submitted]
    return made


def _credential(ctx: Context, code: str, title_start: str) -> Credential:
    """A credential the program funds whose title starts with `title_start` (else the first it funds)."""
    links = ctx.credentials[code]
    for link in links:
        if link.credential.title.lower().startswith(title_start.lower()):
            return link.credential
    return links[0].credential


# ---------------------------------------------------------------- entry point


def demo_applications_exist() -> bool:
    return Application.objects.filter(applicant__email__iendswith="@" + PEOPLE_DOMAIN).exists()


@transaction.atomic
def seed_demo_applications(*, count: int = 300) -> None:
    """Create `count` fictional workers with profiles and demographics, each with one application to
    SKILLCREDIT-26 or ITA-26 in a spread of states, plus the demo workers' applications; render decision
    letters for the demo workers' decisions and OTHER_LETTERS others (the rest stay queued as tasks).

    Does nothing if the demo applications exist. Raises RuntimeError if the demo accounts or programs are
    missing or their rounds are not open.
    """
    if demo_applications_exist():
        return
    rng = random.Random(SEED)  # noqa: S311 - repeatable demo data, not security
    ctx = _context(rng)
    people = _people(rng, count, timezone.localdate())
    own = _demo_workers(ctx)
    decided: list[Application] = []
    for person in tqdm(people, desc="Demo applications", unit="application", leave=False, disable=None):
        worker = _worker(ctx, person)
        application = _apply(ctx, worker, person.program_code)
        path = _drive(ctx, worker, application, person.target, person.program_code)
        _backdate(ctx, application, path)
        if path in ("approved", "rejected"):
            decided.append(application)
    letters = [
        a for a in own if a.pk and Application.objects.filter(pk=a.pk, decided_at__isnull=False).exists()
    ]
    for application in tqdm(
        [*letters, *decided[:OTHER_LETTERS]],
        desc="Decision letters",
        unit="letter",
        leave=False,
        disable=None,
    ):
        letter_generate(application_id=application.pk)
