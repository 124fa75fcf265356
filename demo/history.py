"""Demo history (issue 7): six quarters of earlier applications to the worker programs, so the dashboards,
equity tables, outcome figures and quarterly reports have something to show.

The demo programs SKILLCREDIT-26 and ITA-26 ran two earlier rounds (demo.programs.HISTORY_ROUNDS) before
the open one. This module fills those rounds, from the start of the quarter six quarters before today's,
with about 1,500 fictional workers (`firstname.lastname.N@history.demo.skillsfund.test`, unusable
passwords), more each quarter, and takes each application as far as its dates allow:

    submitted -> in review -> approved / not approved / withdrawn
    approved -> enrolled -> completion claimed -> completion verified -> payment scheduled -> paid
             -> (a few) clawed back; some cancelled by the worker, some expired at the training deadline

Dates follow one another: a decision days to weeks after submission, enrolment and the training start soon
after approval, completion after the credential's weeks, the claim, its verification, the payment and its
batch after that; the 2nd- and 4th-quarter follow-ups are due in those quarters after completion and are
answered only once the quarter has passed. Nothing lands in the future: an application stops in the state
its next date would be after now (so the latest ones are still enrolled or waiting for payment).

Speed: the services write a few dozen rows per application under row locks, which takes about a fifth of a
second each; for a thousand historic rows that is too slow for `make demo`. So the rows are built in memory
and written with bulk_create, keeping every invariant the services keep: an event per move with the move's
time (the services' `created_at` defaults are switched off while writing, so the backdated times are kept),
the snapshots taken at submission, one ledger commitment per award, a release when an award ends unpaid or
is paid below the award, a disbursement per payment and a clawback entry per recovery, each with running
totals in date order, and the budgets' totals moved by the same sums (ledger_reconcile() finds no
mismatch). Every award left approved or enrolled has a training deadline today or later, so the expiry job
has nothing to catch up on. Not written for history: documents (claims carry no certificate file), reviews
and reviewer assignments, letters (made when first downloaded) and notices.

The race and ethnicity answers keep Native Hawaiian or Pacific Islander and Middle Eastern or North African
people few (together with demo.applications's, fewer than 10 each), so the equity tables show a
suppressed group beside large groups with real numbers. No disparity is built in: approval and employment
odds do not depend on any demographic answer.

A fixed random seed makes every run produce the same data (apart from "now"). Running it again when the
history exists does nothing.
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar

from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import F
from django.db.models.functions import Round
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core.dates import add_months, quarter_after, quarter_end, quarter_of, quarter_start
from core.demographics import (
    PREFER_NOT_TO_SAY,
    RACE_ETHNICITY_DETAILS,
    age_band,
    age_in_years,
    reporting_group,
)
from core.workflow import lock_rows
from demo.applications import (
    FIRST_NAMES,
    ITA,
    LAST_NAMES,
    MANAGER_EMAIL,
    MULTI_COMBINATIONS,
    RACE_WEIGHTS,
    REJECTIONS,
    SKILLCREDIT,
    STATEMENTS,
    WITHDRAW_REASONS,
    _demographics,
    _eligible_for,
    _pick,
    _profile,
)
from demo.awards import CANCEL_BY_WORKER, CLAWBACK_EXPLANATION, EMPLOYERS, FINANCE_EMAIL, VERIFY_NOTES
from grants.applications import services
from grants.applications.selectors import rule_profile
from grants.awards.services import FOLLOW_UP_OFFSET, FOLLOW_UP_QUARTERS
from grants.models import (
    Application,
    ApplicationEvent,
    Clawback,
    CompletionClaim,
    Demographics,
    Outcome,
    OutcomeFollowUp,
    Payment,
    PaymentBatch,
    PaymentEvent,
    WorkerProfile,
)
from grants.payments.services import batch_csv, payee_for
from programs.models import FundingRound, LedgerEntry, Program, ProgramBudget, ProgramCredential
from programs.rules import Usage, maximum_award
from programs.selectors import program_eligibility

T = TypeVar("T")
S = Application.Status
P = Payment.Status
HISTORY_DOMAIN = "history.demo.skillsfund.test"
SEED = 2025
DEFAULT_COUNT = 1500
ADULT = 19  # the youngest age at submission (the programs are for adults)
QUARTERS = 6  # history starts this many quarters before today's quarter
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
# The few people in the small groups (demo.applications adds at most 7 and 8 of its own).
SMALL_GROUPS = {"nhpi": 2, "mena": 2}
# Of those submitted: withdrawn before a decision, then not approved (by program), the rest approved.
WITHDRAWN_SHARE = 0.06
REJECTED_SHARE = {SKILLCREDIT: 0.20, ITA: 0.32}
# Of the awards: cancelled by the worker before enrolling, never enrolled (expire), dropped out (expire).
CANCELLED_SHARE, NOT_ENROLLED_SHARE, DROPPED_OUT_SHARE = 0.04, 0.03, 0.05
INVOICED_SHARE, DISCOUNTED_SHARE, CLAWBACK_SHARE = 0.5, 0.3, 0.03
ANSWER_RATE = {2: 0.7, 4: 0.6}
NOT_EMPLOYED = {
    Outcome.EmploymentStatus.UNEMPLOYED: 60,
    Outcome.EmploymentStatus.IN_EDUCATION: 25,
    Outcome.EmploymentStatus.NOT_WORKING: 15,
}


@dataclass
class Moment:
    """One event of an application, in time order."""

    at: datetime
    actor: User | None
    action: str
    from_status: str = ""
    to_status: str = ""
    reason: str = ""
    payload: dict[str, Any] = field(default_factory=dict)


@dataclass
class Story:
    """Everything decided about one historic application before anything is written."""

    application: Application
    events: list[Moment]
    program_code: str
    claim_at: datetime | None = None
    verified_at: datetime | None = None
    payment_at: datetime | None = None
    payment_amount: Decimal | None = None
    invoice_amount: Decimal | None = None
    released_at: datetime | None = None  # the whole award released (cancelled, expired)
    clawback_at: datetime | None = None
    clawback_amount: Decimal | None = None
    completed_on: date | None = None  # as claimed (on the application once verified)
    batch_key: datetime | None = None  # when its batch was put together; None: not yet batched
    paid_on: date | None = None


@dataclass
class History:
    rng: random.Random
    now: datetime
    today: date
    manager: User
    finance: User
    programs: dict[str, Program]
    rounds: dict[str, list[FundingRound]]
    links: dict[str, list[ProgramCredential]]
    occupations: dict[int, str]  # credential id -> its first occupation code
    references: set[str] = field(default_factory=set)


# ---------------------------------------------------------------- time


def _aware(day: date, hour: int = 10, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _later(history: History, moment: datetime, low_days: float, high_days: float) -> datetime:
    """A working-hours moment some days after `moment` (never before it)."""
    days = history.rng.uniform(low_days, high_days)
    later = moment + timedelta(days=days)
    local = timezone.localtime(later)
    if local.hour < 8 or local.hour >= 18:
        later = _aware(
            local.date() + timedelta(days=1 if local.hour >= 18 else 0), 8, history.rng.randrange(60)
        )
    return max(later, moment + timedelta(minutes=5))


def _known(value: T | None) -> T:
    """A value the steps before have set (a date of a step taken)."""
    if value is None:
        raise RuntimeError("A step of the demo history is missing its date.")
    return value


@contextmanager
def _explicit_timestamps(*model_classes: type[models.Model]) -> Iterator[None]:
    """Let bulk_create keep the times given for `auto_now`/`auto_now_add` fields (the backdated ones),
    restoring the fields afterwards. Seeding is one thread; nothing else saves these models meanwhile."""
    changed = []
    for model_class in model_classes:
        for model_field in model_class._meta.concrete_fields:
            if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
                changed.append((model_field, model_field.auto_now, model_field.auto_now_add))  # type: ignore[attr-defined]
                model_field.auto_now = model_field.auto_now_add = False  # type: ignore[attr-defined]
    try:
        yield
    finally:
        for model_field, auto_now, auto_now_add in changed:
            model_field.auto_now, model_field.auto_now_add = auto_now, auto_now_add  # type: ignore[attr-defined]


# ---------------------------------------------------------------- people


def _races(rng: random.Random, count: int) -> list[list[str]]:
    """SPD 15 answers, shuffled: single categories (often with a detailed answer), some multi-selections,
    ~8% not reported, and the few people of SMALL_GROUPS."""
    answers: list[list[str]] = [
        [category] for category, people in SMALL_GROUPS.items() for _ in range(people)
    ]
    not_reported = round(count * 0.08)
    answers += [[PREFER_NOT_TO_SAY] for _ in range(not_reported * 5 // 8)]
    answers += [[] for _ in range(not_reported - not_reported * 5 // 8)]
    answers += [list(rng.choice(MULTI_COMBINATIONS)) for _ in range(round(count * 0.06))]
    while len(answers) < count:
        answers.append([_pick(rng, RACE_WEIGHTS)])
    detailed = []
    for categories in answers[:count]:
        codes = []
        for category in categories:
            details = RACE_ETHNICITY_DETAILS.get(category, [])
            codes.append(rng.choice(details)[0] if details and rng.random() < 0.55 else category)
        detailed.append(codes)
    rng.shuffle(detailed)
    return detailed


def _submission_days(history: History, count: int, first: date, last: date) -> list[date]:
    """`count` days from `first` to `last`, more of them later (the density doubles)."""
    span = (last - first).days
    days = []
    for _ in range(count):
        u = history.rng.random()
        fraction = -1 + (1 + 3 * u) ** 0.5  # inverse of the CDF (t + t^2 / 2) / 1.5
        days.append(first + timedelta(days=min(span, int(fraction * (span + 1)))))
    return sorted(days)


def _reference(history: History, prefix: str, moment: datetime) -> str:
    while True:
        reference = f"{prefix}-{moment:%y}-" + "".join(history.rng.choice(ALPHABET) for _ in range(8))
        if reference not in history.references:
            history.references.add(reference)
            return reference


# ---------------------------------------------------------------- one application


def _round_at(history: History, code: str, moment: datetime) -> FundingRound | None:
    for funding_round in history.rounds[code]:
        if funding_round.is_open_at(moment):
            return funding_round
    return None


def _apply(
    history: History, worker: User, profile: WorkerProfile, code: str, submitted: datetime
) -> Story | None:
    """The draft and its submission, with the snapshots application_submit takes; None if the rules refuse."""
    rng = history.rng
    program, day = history.programs[code], timezone.localtime(submitted).date()
    funding_round = _round_at(history, code, submitted)
    if funding_round is None:
        return None
    links = history.links[code]
    healthcare = [link for link in links if link.maximum_amount == Decimal("7500.00")]
    link = rng.choice(healthcare if healthcare and rng.random() < 0.35 else links)
    credential = link.credential
    eligibility = program_eligibility(program, rule_profile(profile), credential, today=day)
    if not eligibility.eligible:
        return None
    caps = maximum_award(
        cost=credential.cost,
        co_payment_percent=program.co_payment_percent,
        caps=[(cap.scope, cap.amount) for cap in program.cap_rules.all()],
        usage=Usage(),
        credential_maximum=link.maximum_amount,
    )
    amount = min(credential.cost, caps.maximum)
    created = max(funding_round.opens_at, submitted - timedelta(hours=rng.randint(1, 24 * 6)))
    group, rank = services.priority_for(program, worker, profile)
    application = Application(
        reference=_reference(history, "SF", created),
        applicant=worker,
        filed_by=worker,
        program=program,
        funding_round=funding_round,
        credential=credential,
        status=S.SUBMITTED,
        amount_requested=amount,
        statement=rng.choice(STATEMENTS),
        profile_snapshot={
            "region": profile.region,
            "employment_status": profile.employment_status,
            "household_income_band": profile.household_income_band,
            "date_of_birth": profile.date_of_birth.isoformat() if profile.date_of_birth else "",
        },
        eligibility_snapshot=[
            {"kind": o.kind, "passed": o.passed, "reason": o.reason} for o in eligibility.outcomes
        ],
        cap_snapshot={"maximum": str(caps.maximum), "binding": caps.binding, "explanation": caps.explanation},
        priority_group=group,
        priority_rank=rank,
        applicant_region=profile.region[:60],
        applicant_age_band=age_band(profile.date_of_birth, day),
        submitted_at=submitted,
        created_at=created,
    )
    events = [
        Moment(created, worker, "created", to_status=S.DRAFT),
        Moment(submitted, worker, "submitted", S.DRAFT, S.SUBMITTED),
    ]
    return Story(application=application, events=events, program_code=code)


def _move(story: Story, at: datetime, actor: User | None, action: str, to_status: str, **kwargs: Any) -> None:
    story.events.append(Moment(at, actor, action, story.application.status, to_status, **kwargs))
    story.application.status = to_status


def _decide(history: History, story: Story) -> None:
    """Review, then approve, reject or (rarely) withdraw; a decision that would be in the future waits."""
    rng, application = history.rng, story.application
    submitted = _known(application.submitted_at)
    started = _later(history, submitted, 0.2, 3)
    if started > history.now:
        return
    _move(story, started, history.manager, "review_started", S.IN_REVIEW)
    wait = 1 + min(rng.expovariate(1 / 10), 55)  # days: most within two weeks, a few take weeks
    decided = _later(history, started, wait, wait + 1)
    roll = rng.random()
    if roll < WITHDRAWN_SHARE:
        withdrawn = _later(history, started, 1, 20)
        if withdrawn <= history.now:
            _move(
                story,
                withdrawn,
                application.applicant,
                "withdrawn",
                S.WITHDRAWN,
                reason=rng.choice(WITHDRAW_REASONS),
            )
        return
    if decided > history.now:
        return
    application.decided_by, application.decided_at = history.manager, decided
    if roll < WITHDRAWN_SHARE + REJECTED_SHARE[story.program_code]:
        reasons = REJECTIONS[story.program_code]
        reason, explanation, _weight = rng.choices(reasons, weights=[r[2] for r in reasons])[0]
        application.rejection_reason, application.decision_explanation = reason, explanation
        _move(
            story,
            decided,
            history.manager,
            "rejected",
            S.REJECTED,
            reason=explanation,
            payload={"reason_code": reason},
        )
        return
    amount = application.amount_requested
    application.amount_awarded = amount
    application.training_deadline = add_months(
        timezone.localtime(decided).date(), application.program.training_window_months
    )
    application.cap_snapshot = {
        **application.cap_snapshot,
        "at_decision": {
            "maximum": application.cap_snapshot["maximum"],
            "binding": application.cap_snapshot["binding"],
        },
    }
    _move(story, decided, history.manager, "approved", S.APPROVED, payload={"amount": str(amount)})
    _award(history, story)


def _end_unused(history: History, story: Story, at: datetime, *, cancelled: bool) -> None:
    application = story.application
    story.released_at = application.closed_at = at
    if cancelled:
        _move(
            story,
            at,
            application.applicant,
            "cancelled",
            S.CANCELLED,
            reason=history.rng.choice(CANCEL_BY_WORKER),
        )
    else:
        deadline = application.training_deadline
        _move(story, at, None, "expired", S.EXPIRED, reason=f"The training was not completed by {deadline}.")


def _award(history: History, story: Story) -> None:
    """After approval, as far as the dates allow; an award left approved or enrolled past its training
    deadline expires, as the nightly job would have done."""
    _award_steps(history, story)
    application = story.application
    deadline = application.training_deadline
    if application.status in (S.APPROVED, S.ENROLLED) and deadline is not None and deadline < history.today:
        expiry = min(_aware(deadline + timedelta(days=1), 2), history.now - timedelta(minutes=1))
        _end_unused(history, story, expiry, cancelled=False)


def _award_steps(history: History, story: Story) -> None:
    rng, now, application = history.rng, history.now, story.application
    decided, deadline = _known(application.decided_at), _known(application.training_deadline)
    roll = rng.random()
    if roll < CANCELLED_SHARE:
        cancelled = _later(history, decided, 3, 40)
        if cancelled <= now:
            _end_unused(history, story, cancelled, cancelled=True)
        return
    if roll < CANCELLED_SHARE + NOT_ENROLLED_SHARE:
        return  # never enrolled: expires after the deadline (in _award)
    enrolled = _later(history, decided, 1, 10)
    if enrolled > now:
        return
    submitted_day = timezone.localtime(_known(application.submitted_at)).date()
    start = max(submitted_day, timezone.localtime(enrolled).date() + timedelta(days=rng.randint(0, 21)))
    application.training_start_date, application.enrolled_at = start, enrolled
    _move(
        story,
        enrolled,
        application.applicant,
        "enrolled",
        S.ENROLLED,
        payload={"training_start_date": start.isoformat()},
    )
    completed = start + timedelta(weeks=application.credential.duration_weeks, days=rng.randint(0, 10))
    claimed = _later(history, _aware(completed, 17), 1, 20)
    if rng.random() < DROPPED_OUT_SHARE or completed > deadline or claimed > now:
        return  # dropped out, or not finished yet: expires after the deadline (in _award)
    story.claim_at, story.completed_on = claimed, completed
    if application.program.code == ITA and rng.random() < INVOICED_SHARE:
        discount = Decimal("0.90") if rng.random() < DISCOUNTED_SHARE else Decimal("1")
        story.invoice_amount = ((application.amount_awarded or Decimal("0")) * discount).quantize(
            Decimal("0.01")
        )
    _move(story, claimed, application.applicant, "completion_claimed", S.COMPLETION_CLAIMED)
    verified = _later(history, claimed, 1, 8)
    if verified > now:
        return
    story.verified_at, application.completed_on = verified, completed
    _move(
        story,
        verified,
        history.manager,
        "completion_verified",
        S.COMPLETION_VERIFIED,
        reason=rng.choice(VERIFY_NOTES["certificate"]),
    )
    scheduled = _later(history, verified, 1, 6)
    if scheduled > now:
        return
    awarded = application.amount_awarded or Decimal("0")
    story.payment_at, story.payment_amount = scheduled, min(awarded, story.invoice_amount or awarded)
    _move(story, scheduled, history.finance, "payment_scheduled", S.PAYMENT_SCHEDULED)
    # Batches are made on the 1st and the 15th; sent the next day, paid within a week, reconciled after.
    local = timezone.localtime(scheduled).date()
    batch_day = local.replace(day=15) if local.day < 15 else add_months(local.replace(day=1), 1)
    batch_at = _aware(batch_day, 9)
    paid_on = batch_day + timedelta(days=1 + rng.randint(2, 6))
    if _aware(batch_day + timedelta(days=8), 11) > now:
        return
    story.batch_key, story.paid_on = batch_at, paid_on
    paid_at = _aware(batch_day + timedelta(days=8), 10)
    application.amount_paid, application.closed_at = story.payment_amount, paid_at
    _move(story, paid_at, history.finance, "paid", S.PAID)
    if rng.random() < CLAWBACK_SHARE:
        clawed = _later(history, paid_at, 20, 90)
        if clawed <= now:
            story.clawback_at = clawed
            story.clawback_amount = min(
                Decimal("150.00"), (story.payment_amount / 4).quantize(Decimal("0.01"))
            )
            application.amount_clawed_back = story.clawback_amount
            _move(story, clawed, history.finance, "clawed_back", S.CLAWED_BACK, reason=CLAWBACK_EXPLANATION)


# ---------------------------------------------------------------- writing


def _context(rng: random.Random) -> History | None:
    manager = User.objects.filter(email__iexact=MANAGER_EMAIL).first()
    finance = User.objects.filter(email__iexact=FINANCE_EMAIL).first()
    programs = {
        program.code: program
        for program in Program.objects.filter(code__in=[SKILLCREDIT, ITA]).prefetch_related(
            "eligibility_rules", "cap_rules"
        )
    }
    if manager is None or finance is None or len(programs) != 2:
        raise RuntimeError("Seed the demo accounts and programs before the demo history.")
    now = timezone.now()
    rounds = {
        code: list(FundingRound.objects.filter(program=program, closes_at__lte=now).order_by("opens_at"))
        for code, program in programs.items()
    }
    if not all(rounds.values()):
        return None  # programs seeded before they had earlier rounds: no room for history
    links = {
        code: list(
            ProgramCredential.objects.filter(program=program)
            .select_related("credential__provider")
            .prefetch_related("credential__occupations")
            .order_by("pk")
        )
        for code, program in programs.items()
    }
    occupations = {}
    for program_links in links.values():
        for link in program_links:
            codes = sorted(occupation.code for occupation in link.credential.occupations.all())
            occupations[link.credential.pk] = codes[0] if codes else ""
    return History(
        rng=rng,
        now=now,
        today=timezone.localdate(),
        manager=manager,
        finance=finance,
        programs=programs,
        rounds=rounds,
        links=links,
        occupations=occupations,
    )


def _write_people(history: History, count: int, days: list[date]) -> list[tuple[User, WorkerProfile, str]]:
    """Users, profiles and demographics for `count` people applying on `days`; (user, profile, program)."""
    rng, today = history.rng, history.today
    races = _races(rng, count)
    users, profiles, answers, programs = [], [], [], []
    for number, day in enumerate(days, start=1):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        local = "".join(
            ch for ch in f"{first}.{last}".lower() if ch.isascii() and (ch.isalnum() or ch == ".")
        )
        wanted = ITA if rng.random() < 0.4 else SKILLCREDIT
        profile = _profile(rng, today)
        for _try in range(40):  # adults then (the profile's ages are today's), mostly eligible for `wanted`
            if age_in_years(profile["date_of_birth"], day) >= ADULT and wanted in _eligible_for(profile, day):
                break
            profile = _profile(rng, today)
        if age_in_years(profile["date_of_birth"], day) < ADULT:
            profile["date_of_birth"] = profile["date_of_birth"].replace(
                year=profile["date_of_birth"].year - 2
            )
        eligible = _eligible_for(profile, day)
        program = wanted if wanted in eligible else (eligible[0] if eligible else "")
        demographics = _demographics(rng, races[number - 1])
        profile["priority_veteran"] = demographics["veteran"] == "yes" and rng.random() < 0.8
        profile["priority_disability"] = demographics["disability"] == "yes" and rng.random() < 0.4
        # Signed up a week or more before applying (a draft is started at most six days before submission).
        joined = _aware(day, 7) - timedelta(days=rng.randint(7, 30), minutes=rng.randrange(600))
        user = User(
            email=f"{local}.{number}@{HISTORY_DOMAIN}",
            full_name=f"{first} {last}",
            is_active=True,
            date_joined=joined,
            email_verified_at=joined + timedelta(minutes=rng.randint(2, 90)),
        )
        user.set_unusable_password()
        users.append(user)
        profiles.append(
            WorkerProfile(
                user=user,
                contact_consent_changed_at=joined if profile["contact_by_employers"] else None,
                updated_at=joined,
                **profile,
            )
        )
        codes = demographics.pop("race_ethnicity")
        answers.append(
            Demographics(
                user=user,
                race_ethnicity=codes,
                race_group=reporting_group(codes),
                updated_at=joined,
                **demographics,
            )
        )
        programs.append(program)
    User.objects.bulk_create(users, batch_size=500)
    for profile_row, answer_row in zip(profiles, answers, strict=True):
        profile_row.user_id = profile_row.user.pk
        answer_row.user_id = answer_row.user.pk
    WorkerProfile.objects.bulk_create(profiles, batch_size=500)
    Demographics.objects.bulk_create(answers, batch_size=500)
    worker_group = Group.objects.get(name=Role.WORKER)
    membership = User.groups.through
    membership.objects.bulk_create([membership(user_id=user.pk, group_id=worker_group.pk) for user in users])
    return list(zip(users, profiles, programs, strict=True))


def _submitted_at(history: History, day: date) -> datetime:
    return _aware(day, history.rng.randint(7, 21), history.rng.randrange(60))


def _ledger(
    history: History, stories: list[Story], payments: dict[int, Payment], clawbacks: dict[int, Clawback]
) -> int:
    """Ledger entries in date order with running totals, and the budgets moved by the same sums."""
    application_type = ContentType.objects.get_for_model(Application)
    payment_type = ContentType.objects.get_for_model(Payment)
    clawback_type = ContentType.objects.get_for_model(Clawback)
    rows: list[tuple[datetime, int, dict[str, Any]]] = []  # (when, order within a moment, fields)
    for story in stories:
        application = story.application
        awarded = application.amount_awarded
        if awarded is None:
            continue
        common = {"funding_round": application.funding_round, "currency": application.program.currency}
        subject = {"subject_type": application_type, "subject_id": str(application.pk)}
        rows.append(
            (
                _known(application.decided_at),
                0,
                {
                    **common,
                    **subject,
                    "program": application.program,
                    "kind": LedgerEntry.Kind.COMMITMENT,
                    "amount": awarded,
                    "actor": history.manager,
                    "reason": f"Award for application {application.reference}",
                    "idempotency_key": f"application:{application.pk}:commit",
                },
            )
        )
        if story.released_at is not None:
            why = "cancelled" if application.status == S.CANCELLED else "expired unused"
            rows.append(
                (
                    story.released_at,
                    0,
                    {
                        **common,
                        **subject,
                        "program": application.program,
                        "kind": LedgerEntry.Kind.RELEASE,
                        "amount": awarded,
                        "actor": application.applicant if application.status == S.CANCELLED else None,
                        "reason": f"Award {application.reference} {why}",
                        "idempotency_key": f"application:{application.pk}:release",
                    },
                )
            )
        payment = payments.get(application.pk)
        if payment is not None and payment.status == P.PAID:
            rows.append(
                (
                    _known(application.closed_at),
                    0,
                    {
                        **common,
                        "program": application.program,
                        "subject_type": payment_type,
                        "subject_id": str(payment.pk),
                        "kind": LedgerEntry.Kind.DISBURSEMENT,
                        "amount": payment.amount,
                        "actor": history.finance,
                        "reason": f"Payment {payment.reference} for {application.reference}",
                        "idempotency_key": f"payment:{payment.pk}:disburse",
                    },
                )
            )
            rest = awarded - payment.amount
            if rest > 0:
                rows.append(
                    (
                        _known(application.closed_at),
                        1,
                        {
                            **common,
                            **subject,
                            "program": application.program,
                            "kind": LedgerEntry.Kind.RELEASE,
                            "amount": rest,
                            "actor": history.finance,
                            "reason": f"Unpaid rest of award {application.reference}",
                            "idempotency_key": f"application:{application.pk}:release-rest",
                        },
                    )
                )
        clawback = clawbacks.get(application.pk)
        if clawback is not None:
            rows.append(
                (
                    clawback.created_at,
                    0,
                    {
                        "currency": application.program.currency,
                        "program": application.program,
                        "subject_type": clawback_type,
                        "subject_id": str(clawback.pk),
                        "kind": LedgerEntry.Kind.CLAWBACK,
                        "amount": clawback.amount,
                        "actor": history.finance,
                        "reason": (
                            f"Recovery on {application.reference}: {clawback.get_reason_code_display()}"
                        ),
                        "idempotency_key": f"clawback:{clawback.pk}",
                    },
                )
            )
    budgets = {
        budget.program_id: budget
        for budget in lock_rows(ProgramBudget.objects.filter(program__in=history.programs.values()))
    }
    running = {pk: [budget.total, budget.committed, budget.disbursed] for pk, budget in budgets.items()}
    moved: dict[int, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    entries = []
    for when, _order, fields in sorted(rows, key=lambda row: (row[0], row[1])):
        program = fields.pop("program")
        kind, amount = fields["kind"], fields["amount"]
        totals = running[program.pk]
        committed = {"commitment": amount, "release": -amount, "disbursement": -amount}.get(
            kind, Decimal("0")
        )
        disbursed = {"disbursement": amount, "clawback": -amount}.get(kind, Decimal("0"))
        totals[1] += committed
        totals[2] += disbursed
        moved[program.pk]["committed"] += committed
        moved[program.pk]["disbursed"] += disbursed
        if kind == LedgerEntry.Kind.CLAWBACK:
            moved[program.pk]["clawed_back"] += amount
        if totals[1] < 0 or totals[2] < 0 or totals[1] + totals[2] > totals[0]:
            raise RuntimeError(f"The demo history would overspend {program.code}'s budget.")
        entries.append(
            LedgerEntry(
                budget=budgets[program.pk],
                created_at=when,
                total_after=totals[0],
                committed_after=totals[1],
                disbursed_after=totals[2],
                **fields,
            )
        )
    LedgerEntry.objects.bulk_create(entries, batch_size=500)
    for program_pk, sums in moved.items():
        ProgramBudget.objects.filter(program_id=program_pk).update(
            committed=Round(F("committed") + sums["committed"], 2),
            disbursed=Round(F("disbursed") + sums["disbursed"], 2),
            clawed_back=Round(F("clawed_back") + sums["clawed_back"], 2),
            updated_at=history.now,
        )
    return len(entries)


def _claims(history: History, stories: list[Story]) -> dict[int, CompletionClaim]:
    claims = {}
    for story in stories:
        application = story.application
        if story.claim_at is None:
            continue
        verified = story.verified_at is not None
        claims[application.pk] = CompletionClaim(
            application=application,
            claimed_by=application.applicant,
            status=CompletionClaim.Status.VERIFIED if verified else CompletionClaim.Status.SUBMITTED,
            completed_on=_known(story.completed_on),
            invoice_amount=story.invoice_amount,
            submitted_at=story.claim_at,
            decided_by=history.manager if verified else None,
            decided_at=story.verified_at,
            decision_note=next((m.reason for m in story.events if m.action == "completion_verified"), ""),
        )
    CompletionClaim.objects.bulk_create(list(claims.values()), batch_size=500)
    return claims


def _payments(
    history: History, stories: list[Story], claims: dict[int, CompletionClaim]
) -> tuple[dict[int, Payment], list[PaymentEvent], int]:
    """Payments, their reconciled batches (one per batch day) and their events."""
    batch_days = sorted({story.batch_key for story in stories if story.batch_key is not None})
    batches = {
        at: PaymentBatch(
            reference=_reference(history, "BATCH", at),
            status=PaymentBatch.Status.RECONCILED,
            currency="USD",
            created_by=history.finance,
            created_at=at,
            exported_at=at + timedelta(hours=2),
            sent_at=at + timedelta(days=1),
            sent_by=history.finance,
            reconciled_at=at + timedelta(days=8, hours=2),  # after the payments' "paid" (day 8, 10:00)
        )
        for at in batch_days
    }
    PaymentBatch.objects.bulk_create(list(batches.values()))
    payments: dict[int, Payment] = {}
    for story in stories:
        application = story.application
        if story.payment_at is None or story.payment_amount is None:
            continue
        payee_type, payee_name, payee_reference = payee_for(application)
        batch = batches.get(story.batch_key) if story.batch_key is not None else None
        payments[application.pk] = Payment(
            reference=_reference(history, "PAY", story.payment_at),
            idempotency_key=f"application:{application.pk}:payment",
            application=application,
            claim=claims[application.pk],
            batch=batch,
            status=P.PAID if batch is not None else P.APPROVED,
            amount=story.payment_amount,
            currency=application.program.currency,
            payee_type=payee_type,
            payee_name=payee_name[:200],
            payee_reference=payee_reference[:60],
            approved_by=history.finance,
            approved_at=story.payment_at,
            paid_on=story.paid_on if batch is not None else None,
            updated_at=_known(application.closed_at) if batch is not None else story.payment_at,
        )
    Payment.objects.bulk_create(list(payments.values()), batch_size=500)
    # Each batch keeps the file it was exported as, like one exported through the services.
    for batch in batches.values():
        batch.export_content = batch_csv(batch)
        batch.export_sha256 = hashlib.sha256(batch.export_content.encode()).hexdigest()
    PaymentBatch.objects.bulk_update(list(batches.values()), ["export_content", "export_sha256"])
    events = []
    for payment in payments.values():
        finance = history.finance
        events.append(
            PaymentEvent(
                payment=payment,
                actor=finance,
                action="approved",
                to_status=P.APPROVED,
                payload={"amount": str(payment.amount)},
                created_at=payment.approved_at,
            )
        )
        if payment.batch is None:
            continue
        batch = payment.batch
        events += [
            PaymentEvent(
                payment=payment,
                actor=finance,
                action="batched",
                from_status=P.APPROVED,
                to_status=P.BATCHED,
                payload={"batch": batch.reference},
                created_at=batch.created_at,
            ),
            PaymentEvent(
                payment=payment,
                actor=finance,
                action="sent",
                from_status=P.BATCHED,
                to_status=P.SENT,
                payload={"batch": batch.reference},
                created_at=_known(batch.sent_at),
            ),
            PaymentEvent(
                payment=payment,
                actor=finance,
                action="paid",
                from_status=P.SENT,
                to_status=P.PAID,
                payload={"paid_on": str(payment.paid_on)},
                created_at=_known(payment.application.closed_at),
            ),
        ]
    return payments, events, len(batches)


def _outcomes(history: History, stories: list[Story]) -> list[Outcome]:
    """Follow-ups for verified completions, answered (some) once their quarter has passed."""
    rng, today = history.rng, history.today
    follow_ups, outcomes, pairs = [], [], []
    for story in stories:
        application = story.application
        if story.verified_at is None or application.completed_on is None:
            continue
        employed_before = None
        wage = Decimal(rng.randrange(30000, 64000, 500)) + (Decimal(6000) if story.program_code == ITA else 0)
        for quarters in FOLLOW_UP_QUARTERS:
            year, quarter = quarter_after(application.completed_on, quarters)
            due = quarter_start(year, quarter) + FOLLOW_UP_OFFSET
            follow_up = OutcomeFollowUp(
                application=application, quarter_after_completion=quarters, due_on=due
            )
            follow_ups.append(follow_up)
            if due > today:
                continue
            follow_up.sent_at = _aware(due, 6)
            if quarter_end(year, quarter) >= today or rng.random() >= ANSWER_RATE[quarters]:
                continue
            chance = 0.68 if employed_before is None else (0.9 if employed_before else 0.35)
            employed = rng.random() < chance
            employed_before = employed
            status = (
                (
                    Outcome.EmploymentStatus.SELF_EMPLOYED
                    if rng.random() < 0.08
                    else Outcome.EmploymentStatus.EMPLOYED
                )
                if employed
                else _pick(rng, NOT_EMPLOYED)
            )
            if quarters == 4:
                wage = (wage * Decimal(str(rng.uniform(1.02, 1.12)))).quantize(Decimal("500"))
            observed = min(due + timedelta(days=rng.randint(0, 30)), quarter_end(year, quarter))
            answered = _later(history, _aware(observed, 12), 0, 10)
            follow_up.answered_at = answered
            outcome = Outcome(
                application=application,
                worker=application.applicant,
                source=Outcome.Source.SELF_REPORTED,
                quarter_after_completion=quarters,
                employment_status=status,
                employer_name=rng.choice(EMPLOYERS) if status == Outcome.EmploymentStatus.EMPLOYED else "",
                occupation_code=history.occupations.get(application.credential_id, "") if employed else "",
                annual_wage=wage if employed else None,
                observed_on=observed,
                recorded_by=application.applicant,
                created_at=answered,
            )
            outcomes.append(outcome)
            pairs.append((follow_up, outcome))
    Outcome.objects.bulk_create(outcomes, batch_size=500)
    for follow_up, outcome in pairs:
        follow_up.outcome = outcome
    OutcomeFollowUp.objects.bulk_create(follow_ups, batch_size=500)
    return outcomes


def demo_history_exists() -> bool:
    return Application.objects.filter(applicant__email__iendswith="@" + HISTORY_DOMAIN).exists()


@transaction.atomic
def seed_demo_history(*, count: int = DEFAULT_COUNT, rng_seed: int = SEED) -> dict[str, int]:
    """Fill the worker programs' earlier rounds with `count` fictional applications and what followed them
    (see this module's docstring). Returns counts of what was made; all zero when the history exists, or
    when the programs have no earlier rounds. Raises RuntimeError if the demo accounts or programs are
    missing."""
    made = {"applications": 0, "events": 0, "ledger_entries": 0, "payments": 0, "batches": 0, "outcomes": 0}
    if count <= 0 or demo_history_exists():
        return made
    rng = random.Random(rng_seed)  # noqa: S311 - repeatable demo data, not security
    history = _context(rng)
    if history is None:
        return made
    year, quarter = quarter_of(history.today)
    index = year * 4 + quarter - 1 - QUARTERS
    first = max(
        quarter_start(index // 4, index % 4 + 1),
        *(
            timezone.localtime(rounds[0].opens_at).date() + timedelta(days=1)
            for rounds in history.rounds.values()
        ),
    )
    last = min(
        timezone.localtime(rounds[-1].closes_at).date() for rounds in history.rounds.values()
    ) - timedelta(days=1)
    if last <= first:
        return made
    days = _submission_days(history, count, first, last)
    with _explicit_timestamps(
        User,
        WorkerProfile,
        Demographics,
        Application,
        ApplicationEvent,
        CompletionClaim,
        PaymentBatch,
        Payment,
        PaymentEvent,
        Clawback,
        Outcome,
        LedgerEntry,
    ):
        people = _write_people(history, count, days)
        stories = []
        for (worker, profile, code), day in zip(people, days, strict=True):
            if not code:
                continue  # eligible for neither program: never applied
            story = _apply(history, worker, profile, code, _submitted_at(history, day))
            if story is None:
                continue
            _decide(history, story)
            stories.append(story)
        for story in stories:
            application = story.application
            application.updated_at = max(moment.at for moment in story.events)
            deadline = application.training_deadline
            if application.status in (S.APPROVED, S.ENROLLED) and (
                deadline is None or deadline < history.today
            ):
                raise RuntimeError(f"{application.reference}: an open award past its deadline would expire.")
        Application.objects.bulk_create([story.application for story in stories], batch_size=500)
        claims = _claims(history, stories)
        payments, payment_events, batches = _payments(history, stories, claims)
        PaymentEvent.objects.bulk_create(payment_events, batch_size=500)
        clawbacks = {}
        for story in stories:
            if story.clawback_at is not None and story.clawback_amount is not None:
                application = story.application
                clawbacks[application.pk] = Clawback(
                    application=application,
                    payment=payments[application.pk],
                    amount=story.clawback_amount,
                    reason_code=Clawback.Reason.OVERPAYMENT,
                    explanation=CLAWBACK_EXPLANATION,
                    recorded_by=history.finance,
                    created_at=story.clawback_at,
                )
        Clawback.objects.bulk_create(list(clawbacks.values()))
        outcomes = _outcomes(history, stories)
        by_application: dict[int, list[Outcome]] = defaultdict(list)
        for outcome in outcomes:
            by_application[outcome.application_id].append(outcome)
        events = []
        for story in stories:
            application = story.application
            claim = claims.get(application.pk)
            payment = payments.get(application.pk)
            clawback = clawbacks.get(application.pk)
            for moment in story.events:
                payload = dict(moment.payload)
                if moment.action in ("completion_claimed", "completion_verified") and claim is not None:
                    payload = {
                        "claim": claim.pk,
                        **({"badge_verified": None} if moment.action == "completion_claimed" else {}),
                    }
                elif moment.action == "payment_scheduled" and payment is not None:
                    payload = {"payment": payment.reference, "amount": str(payment.amount)}
                elif moment.action == "paid" and payment is not None:
                    rest = (application.amount_awarded or Decimal("0")) - payment.amount
                    payload = {
                        "payment": payment.reference,
                        "amount": str(payment.amount),
                        "released": str(rest),
                    }
                elif moment.action == "clawed_back" and clawback is not None:
                    payload = {
                        "amount": str(clawback.amount),
                        "reason_code": clawback.reason_code,
                        "clawback": clawback.pk,
                    }
                events.append(
                    ApplicationEvent(
                        application=application,
                        actor=moment.actor,
                        action=moment.action,
                        from_status=moment.from_status,
                        to_status=moment.to_status,
                        reason=moment.reason,
                        payload=payload,
                        created_at=moment.at,
                    )
                )
            for outcome in by_application.get(application.pk, []):
                events.append(
                    ApplicationEvent(
                        application=application,
                        actor=application.applicant,
                        action="outcome_reported",
                        payload={
                            "outcome": outcome.pk,
                            "source": outcome.source,
                            "status": outcome.employment_status,
                        },
                        created_at=outcome.created_at,
                    )
                )
        events.sort(key=lambda event: event.created_at)
        ApplicationEvent.objects.bulk_create(events, batch_size=1000)
        made["ledger_entries"] = _ledger(history, stories, payments, clawbacks)
    made.update(
        applications=len(stories),
        events=len(events),
        payments=len(payments),
        batches=batches,
        outcomes=len(outcomes),
    )
    return made
