"""Every write to applications. One service per transition; each locks the application row, checks the
transition table and the caller's permission, changes the status, writes an ApplicationEvent, and
schedules mail, notices and letters after commit.

Lock order: application, then program, then the program's budget (the ledger services take the last).
Writers of different applications do not wait for each other: each locks its own application row, and
holds its program, credential and round only in key-share mode (see `lock_application`); an approval takes the
budget before it counts awards (see `application_approve`).
"""

import dataclasses
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Avg
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import Role
from accounts.services import notice_send
from core.dates import add_months, check_within
from core.demographics import (
    DISABILITY_LABELS,
    SEX_LABELS,
    VETERAN_STATUS_LABELS,
    age_band,
    reporting_group,
    validate_race_ethnicity,
)
from core.exceptions import ApplicationError, Conflict, NotAllowed, require
from core.money import to_amount
from grants.applications import tasks
from grants.applications.selectors import (
    cap_usage,
    double_funding_exists,
    employer_cap_usage,
    rule_profile,
    worker_profile_for,
)
from grants.applications.workflow import (
    STAFF_ONLY,
    S,
    check_can_fund,
    lock_application,
    move_application,
    new_reference,
    store_document,
    tell_applicant,
)
from grants.date_windows import date_of_birth_window
from grants.models import (
    Application,
    ApplicationCreateKey,
    ApplicationDocument,
    ApplicationEvent,
    Demographics,
    InformationRequest,
    Review,
    ReviewAssignment,
    StaffComment,
    WorkerProfile,
)
from grants.permissions import (
    can_apply,
    can_decide,
    can_edit_draft,
    can_review,
    is_applicant_side,
    is_staff_viewer,
)
from programs.models import Credential, FundingRound, Program, ProgramCredential
from programs.permissions import can_manage_program
from programs.rules import EMPLOYER_SCOPES, PERSON_SCOPES, Usage, maximum_award
from programs.selectors import open_round, program_eligibility
from programs.services import BUDGET_EXHAUSTED, budget_commit, budget_lock

# ---------------------------------------------------------------- profiles


@transaction.atomic
def worker_profile_save(*, user: User, **fields: Any) -> WorkerProfile:
    """Create or change the worker's own profile. Changing the contact consent records when."""
    profile = WorkerProfile.objects.select_for_update().filter(user=user).first() or WorkerProfile(user=user)
    allowed = {
        "region",
        "address",
        "date_of_birth",
        "employment_status",
        "household_income_band",
        "contact_by_employers",
        "priority_veteran",
        "priority_disability",
    }
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown profile field(s): %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if (
        "contact_by_employers" in fields
        and bool(fields["contact_by_employers"]) != profile.contact_by_employers
    ):
        profile.contact_consent_changed_at = timezone.now()
    born_before = profile.date_of_birth
    for name, value in fields.items():
        setattr(profile, name, value if value is not None or name == "date_of_birth" else "")
    if profile.date_of_birth and profile.date_of_birth > timezone.localdate():
        raise ValidationError({"date_of_birth": _("The date of birth cannot be in the future.")})
    profile.full_clean(exclude=["user"])
    if profile.date_of_birth and profile.date_of_birth != born_before:  # unchanged: judged when entered
        earliest, latest = date_of_birth_window(timezone.localdate())
        check_within(profile.date_of_birth, field="date_of_birth", earliest=earliest, latest=latest)
    profile.save()
    return profile


DEMOGRAPHIC_ANSWERS = {"sex": SEX_LABELS, "veteran": VETERAN_STATUS_LABELS, "disability": DISABILITY_LABELS}


@transaction.atomic
def demographics_save(
    *, user: User, race_ethnicity: list[str], sex: str = "", veteran: str = "", disability: str = ""
) -> Demographics:
    """Voluntary answers; every question may be left blank or answered "prefer not to say"."""
    errors: dict[str, list[str]] = {}
    for name, value in (("sex", sex), ("veteran", veteran), ("disability", disability)):
        if value and value not in DEMOGRAPHIC_ANSWERS[name]:
            errors[name] = [_("Choose one of the answers offered.")]
    try:
        codes = validate_race_ethnicity(list(race_ethnicity or []))
    except ValidationError as error:
        errors["race_ethnicity"] = error.messages
        codes = []
    if errors:
        raise ValidationError(errors)
    demographics, _created = Demographics.objects.select_for_update().get_or_create(user=user)
    demographics.race_ethnicity, demographics.sex = codes, sex
    demographics.veteran, demographics.disability = veteran, disability
    demographics.race_group = reporting_group(codes)
    demographics.save()
    return demographics


# ---------------------------------------------------------------- applying


def priority_for(program: Program, user: User, profile: WorkerProfile | None) -> tuple[str, int]:
    """The first of the program's priority groups the worker belongs to, from the profile only: veteran
    and disability priority are claimed there openly, never read from the voluntary demographics."""
    belongs = {
        "veteran": profile is not None and profile.priority_veteran,
        "disability": profile is not None and profile.priority_disability,
        "low_income": profile is not None and profile.household_income_band == "under_25k",
        "unemployed": profile is not None and profile.employment_status == "unemployed",
    }
    for rank, group in enumerate(program.priority_order or []):
        if belongs.get(group):
            return group, rank
    return "", 99


@transaction.atomic
def application_create(
    *, actor: User, program: Program, credential: Credential, amount_requested: Any, statement: str = ""
) -> Application:
    """Start a draft for the actor (a worker) while a round of the program is open."""
    require(can_apply(actor))
    if program.applicant_type != Program.ApplicantType.WORKER:
        raise ValidationError(_("Employers apply to this program on behalf of their employees."))
    if program.status != Program.Status.OPEN:
        raise ValidationError(_("This program is not taking applications."))
    funding_round = open_round(program)
    if funding_round is None:
        raise ValidationError(
            _("No funding round of this program is open now. Check its dates on the program page.")
        )
    check_can_fund(program, credential)
    amount = to_amount(amount_requested, program.currency, field="amount_requested")
    application = Application(
        reference=new_reference(),
        applicant=actor,
        filed_by=actor,
        program=program,
        funding_round=funding_round,
        credential=credential,
        amount_requested=amount,
        statement=statement.strip(),
    )
    # Fields only: the related rows were just read (checking each again costs a query apiece), and the
    # table's constraints cannot fail for a new draft whose amount to_amount accepted (more than zero;
    # nothing awarded, paid or clawed back). They are not weakened: the database still enforces them.
    application.full_clean(
        exclude=["reference", "applicant", "filed_by", "program", "funding_round", "credential"],
        validate_constraints=False,
    )
    application.save()
    ApplicationEvent.objects.create(application=application, actor=actor, action="created", to_status=S.DRAFT)
    return application


@transaction.atomic
def application_create_key_save(
    *, actor: User, key: str, request_sha256: str, application: Application
) -> ApplicationCreateKey:
    """Record the Idempotency-Key under which `actor` created `application` (in the same transaction as
    the create, so a retry finds the key exactly when the application exists). Raises IntegrityError if
    the actor used the key already: the caller answers with that application instead."""
    return ApplicationCreateKey.objects.create(
        user=actor, key=key, request_sha256=request_sha256, application=application
    )


@transaction.atomic
def application_update(*, actor: User, application: Application, **fields: Any) -> Application:
    """Change a draft: the credential (from the program's list), the amount, the statement."""
    locked = lock_application(application)
    if is_applicant_side(actor, locked) and locked.status != S.DRAFT:
        raise Conflict(_("Only a draft can be changed; this application has been submitted."))
    require(can_edit_draft(actor, locked))
    unknown = set(fields) - {"credential", "amount_requested", "statement"}
    if unknown:
        raise ValidationError(
            _("These cannot be changed: %(names)s.") % {"names": ", ".join(sorted(unknown))}
        )
    if "credential" in fields:
        check_can_fund(locked.program, fields["credential"])
        locked.credential = fields["credential"]
    if "amount_requested" in fields:
        locked.amount_requested = to_amount(
            fields["amount_requested"], locked.program.currency, field="amount_requested"
        )
    if "statement" in fields:
        locked.statement = str(fields["statement"]).strip()
    locked.full_clean()
    locked.save(update_fields=["credential", "amount_requested", "statement", "updated_at"])
    return locked


def assess(application: Application, *, profile: WorkerProfile | None = None) -> dict[str, Any]:
    """Eligibility and the most the applicant may receive now, as shown before submission."""
    program, credential = application.program, application.credential
    profile = profile if profile is not None else worker_profile_for(application.applicant)
    facts = rule_profile(profile)
    employer = application.employer
    if employer is not None:
        # Employer programs' rules ask about the employer: its size class and sector.
        facts = dataclasses.replace(
            facts, employer_size_class=employer.size_class, employer_sector=employer.naics_code
        )
    eligibility = program_eligibility(program, facts, credential)
    link = ProgramCredential.objects.filter(program=program, credential=credential).order_by("pk").first()
    cap_rules = [(cap.scope, cap.amount) for cap in program.cap_rules.order_by("scope", "amount")]
    scopes = {scope for scope, _amount in cap_rules}
    # What the applicant (and employer) already hold counts only against caps of those scopes: a program
    # without them needs no sums.
    usage = Usage()
    if scopes & PERSON_SCOPES:
        usage = cap_usage(applicant=application.applicant, program=program, excluding=application)
    if employer is not None and scopes & EMPLOYER_SCOPES:
        usage = employer_cap_usage(
            usage=usage,
            employer=employer,
            program=program,
            funding_round=application.funding_round,
            excluding=application,
        )
    caps = maximum_award(
        cost=credential.cost,
        co_payment_percent=program.co_payment_percent,
        caps=cap_rules,
        usage=usage,
        credential_maximum=link.maximum_amount if link else None,
        employer_applies=employer is not None,
    )
    return {"eligibility": eligibility, "caps": caps, "profile": profile}


@transaction.atomic
def application_submit(*, actor: User, application: Application) -> Application:
    """Submit a draft: the round must be open, the applicant eligible, the amount within the caps, and the
    credential not already funded for them. Snapshots what was checked.

    Side effects: status submitted, an event, a notice and mail to the applicant after commit.
    """
    locked = lock_application(application)
    if is_applicant_side(actor, locked) and locked.status != S.DRAFT:
        raise Conflict(_("Only a draft can be changed; this application has been submitted."))
    require(can_edit_draft(actor, locked))
    if not locked.funding_round.is_open_at(timezone.now()):
        raise ValidationError(
            _("The funding round closed on %(date)s; this draft can no longer be submitted.")
            % {"date": timezone.localtime(locked.funding_round.closes_at).date()}
        )
    if double_funding_exists(applicant=locked.applicant, credential_id=locked.credential_id):
        raise ValidationError(
            _("You already have funding for this credential, so it cannot be funded twice.")
        )
    result = assess(locked)
    eligibility, caps, profile = result["eligibility"], result["caps"], result["profile"]
    if not eligibility.eligible:
        raise ValidationError([outcome.reason for outcome in eligibility.failing])
    if locked.amount_requested > caps.maximum:
        raise ValidationError({"amount_requested": caps.explanation + " " + _("Lower the amount requested.")})
    group, rank = priority_for(locked.program, locked.applicant, profile)
    locked.profile_snapshot = {
        "region": profile.region if profile else "",
        "employment_status": profile.employment_status if profile else "",
        "household_income_band": profile.household_income_band if profile else "",
        "date_of_birth": profile.date_of_birth.isoformat() if profile and profile.date_of_birth else "",
    }
    locked.eligibility_snapshot = [
        {"kind": o.kind, "passed": o.passed, "reason": o.reason} for o in eligibility.outcomes
    ]
    locked.cap_snapshot = {
        "maximum": str(caps.maximum),
        "binding": caps.binding,
        "explanation": caps.explanation,
    }
    locked.priority_group, locked.priority_rank, locked.submitted_at = group, rank, timezone.now()
    # Reporting columns, fixed at submission like the snapshot (the region and age band then).
    locked.applicant_region = (profile.region if profile else "")[:60]
    locked.applicant_age_band = age_band(profile.date_of_birth if profile else None, timezone.localdate())
    move_application(
        locked,
        S.SUBMITTED,
        actor=actor,
        action="submitted",
        extra_fields=(
            "applicant_region",
            "applicant_age_band",
            "profile_snapshot",
            "eligibility_snapshot",
            "cap_snapshot",
            "priority_group",
            "priority_rank",
            "submitted_at",
        ),
    )
    tell_applicant(
        locked,
        _("We have received your application %(ref)s") % {"ref": locked.reference},
        _("Staff will review it; you will hear from us when it is decided."),
    )
    return locked


@transaction.atomic
def application_withdraw(*, actor: User, application: Application, reason: str = "") -> Application:
    locked = lock_application(application)
    if not is_applicant_side(actor, locked):
        raise NotAllowed(_("Only the applicant can withdraw this application."))
    if locked.is_decided:
        raise Conflict(_("A decided application cannot be withdrawn."))
    move_application(locked, S.WITHDRAWN, actor=actor, action="withdrawn", reason=reason.strip())
    return locked


@transaction.atomic
def application_document_add(
    *,
    actor: User,
    application: Application,
    file: UploadedFile,
    kind: str = ApplicationDocument.Kind.EVIDENCE,
) -> ApplicationDocument:
    """Attach a PDF, PNG or JPEG, checked by content and size; stored under a random name."""
    locked = lock_application(application, related=())
    if not is_applicant_side(actor, locked):
        raise NotAllowed(_("Only the applicant can add documents to this application."))
    if locked.status not in (S.DRAFT, S.MORE_INFO_REQUESTED):
        raise Conflict(_("Documents can be added to a draft, or when we ask for more information."))
    if kind not in ApplicationDocument.Kind.values:
        raise ValidationError({"kind": _("Choose what kind of document this is.")})
    return store_document(application=locked, actor=actor, file=file, kind=kind)


# ---------------------------------------------------------------- review


@transaction.atomic
def application_assign(*, actor: User, application: Application, reviewer: User) -> ReviewAssignment:
    """A program manager assigns a reviewer; a submitted application moves into review."""
    locked = lock_application(application)
    require(can_decide(actor, locked))
    if not reviewer.has_role(Role.REVIEWER):
        raise ValidationError({"reviewer": _("That person is not a reviewer.")})
    if reviewer.pk in (locked.applicant_id, locked.filed_by_id):
        raise ValidationError({"reviewer": _("Nobody may review their own application.")})
    if locked.is_decided or locked.status == S.DRAFT:
        raise Conflict(_("Only a submitted application that is not decided can be assigned."))
    try:
        with transaction.atomic():
            assignment = ReviewAssignment.objects.create(
                application=locked, reviewer=reviewer, assigned_by=actor
            )
    except IntegrityError as error:
        raise ValidationError({"reviewer": _("That reviewer is already assigned.")}) from error
    if locked.status == S.SUBMITTED:
        move_application(locked, S.IN_REVIEW, actor=actor, action="review_started")
    ApplicationEvent.objects.create(
        application=locked,
        actor=actor,
        action="reviewer_assigned",
        visibility=STAFF_ONLY,
        payload={"reviewer": reviewer.pk},
    )
    notice_send(
        user=reviewer,
        subject=_("An application is waiting for your review: %(ref)s") % {"ref": locked.reference},
        url=reverse("grants:application_detail", args=[locked.pk]),
    )
    return assignment


@transaction.atomic
def application_begin_review(*, actor: User, application: Application) -> Application:
    """A program manager takes a submitted application into review without assigning anyone."""
    locked = lock_application(application)
    require(can_decide(actor, locked))
    move_application(locked, S.IN_REVIEW, actor=actor, action="review_started")
    return locked


@transaction.atomic
def conflict_declare(
    *, actor: User, application: Application, has_conflict: bool, note: str = ""
) -> ReviewAssignment:
    """The assigned reviewer says, once, whether they have a conflict of interest. A conflict recuses them."""
    assignment = (
        ReviewAssignment.objects.select_for_update().filter(application=application, reviewer=actor).first()
    )
    if assignment is None:
        raise NotAllowed(_("This application is not assigned to you."))
    if assignment.conflict != ReviewAssignment.Conflict.UNDECLARED:
        raise Conflict(_("You have already declared whether you have a conflict of interest."))
    if has_conflict and not note.strip():
        raise ValidationError(
            {"note": _("Say briefly what the conflict is; it is recorded for the program manager.")}
        )
    assignment.conflict = (
        ReviewAssignment.Conflict.DECLARED if has_conflict else ReviewAssignment.Conflict.NONE
    )
    assignment.conflict_note, assignment.conflict_declared_at = note.strip(), timezone.now()
    assignment.save(update_fields=["conflict", "conflict_note", "conflict_declared_at"])
    ApplicationEvent.objects.create(
        application_id=assignment.application_id,
        actor=actor,
        visibility=STAFF_ONLY,
        action="conflict_declared" if has_conflict else "no_conflict_declared",
        reason=note.strip(),
    )
    return assignment


@transaction.atomic
def review_submit(
    *,
    actor: User,
    application: Application,
    checklist: dict[str, bool],
    scores: dict[str, Any],
    recommendation: str,
    comments: str = "",
) -> Review:
    """A reviewer's screening checklist, scores on the program's weighted criteria and recommendation."""
    locked = lock_application(application)
    require(can_review(actor, locked))
    if locked.status != S.IN_REVIEW:
        raise Conflict(_("Only an application in review can be reviewed."))
    assignment = locked.assignments.get(reviewer=actor)
    if hasattr(assignment, "review"):
        raise Conflict(_("You have already submitted your review of this application."))
    errors: dict[str, list[str]] = {}
    if set(checklist) != set(Review.CHECKLIST) or not all(isinstance(v, bool) for v in checklist.values()):
        errors["checklist"] = [_("Answer every item of the screening checklist.")]
    if recommendation not in Review.Recommendation.values:
        errors["recommendation"] = [_("Choose a recommendation.")]
    if recommendation == Review.Recommendation.REJECT and not comments.strip():
        errors["comments"] = [_("Explain a recommendation to reject.")]
    criteria = {str(c.pk): c for c in locked.program.scoring_criteria.all()}
    weighted = None
    if locked.program.selection_method == Program.SelectionMethod.SCORED and criteria:
        cleaned: dict[str, int] = {}
        for key, criterion in criteria.items():
            value = scores.get(key)
            if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 5:
                errors.setdefault("scores", []).append(
                    _("Score “%(name)s” with a whole number from 0 to 5.") % {"name": criterion.name}
                )
            else:
                cleaned[key] = value
        extra = {str(k) for k in scores} - set(criteria)
        if extra:
            errors.setdefault("scores", []).append(_("Score only this program's criteria."))
        if "scores" not in errors:
            total_weight = sum((Decimal(c.weight) for c in criteria.values()), Decimal("0"))
            points = sum((Decimal(cleaned[k]) * Decimal(criteria[k].weight) for k in criteria), Decimal("0"))
            weighted = (points / total_weight).quantize(Decimal("0.001"))
            scores = cleaned
    else:
        scores = {}
    if errors:
        raise ValidationError(errors)
    review = Review.objects.create(
        assignment=assignment,
        checklist=checklist,
        scores=scores,
        weighted_score=weighted,
        recommendation=recommendation,
        comments=comments.strip(),
    )
    average = Review.objects.filter(assignment__application=locked, weighted_score__isnull=False).aggregate(
        average=Avg("weighted_score")
    )["average"]
    if average is not None:
        locked.score = Decimal(str(average)).quantize(Decimal("0.001"))
        locked.save(update_fields=["score", "updated_at"])
    ApplicationEvent.objects.create(
        application=locked,
        actor=actor,
        action="review_submitted",
        visibility=STAFF_ONLY,
        payload={"recommendation": recommendation, "weighted_score": str(weighted)},
    )
    return review


@transaction.atomic
def staff_comment_add(*, actor: User, application: Application, body: str) -> StaffComment:
    if not is_staff_viewer(actor, application):
        raise NotAllowed(_("Only staff working on this application can comment on it."))
    if not body.strip():
        raise ValidationError({"body": _("Write the comment.")})
    return StaffComment.objects.create(application=application, author=actor, body=body.strip())


# ---------------------------------------------------------------- decisions


@transaction.atomic
def application_request_info(*, actor: User, application: Application, question: str) -> InformationRequest:
    locked = lock_application(application)
    require(can_decide(actor, locked))
    if not question.strip():
        raise ValidationError({"question": _("Say what information you need.")})
    move_application(
        locked, S.MORE_INFO_REQUESTED, actor=actor, action="more_info_requested", reason=question.strip()
    )
    request = InformationRequest.objects.create(
        application=locked, requested_by=actor, question=question.strip()
    )
    tell_applicant(
        locked,
        _("We need more information about application %(ref)s") % {"ref": locked.reference},
        question.strip(),
    )
    return request


@transaction.atomic
def application_respond(*, actor: User, application: Application, answer: str) -> Application:
    """The applicant answers the open request (documents come first); the application returns to review."""
    locked = lock_application(application)
    if not is_applicant_side(actor, locked):
        raise NotAllowed(_("Only the applicant can answer."))
    if locked.status != S.MORE_INFO_REQUESTED:
        raise Conflict(_("There is no open request for information on this application."))
    if not answer.strip():
        raise ValidationError({"answer": _("Write your answer.")})
    request = locked.information_requests.filter(answered_at__isnull=True).order_by("-requested_at").first()
    if request is not None:
        request.answer, request.answered_at = answer.strip(), timezone.now()
        request.save(update_fields=["answer", "answered_at"])
    move_application(locked, S.IN_REVIEW, actor=actor, action="more_info_provided", reason=answer.strip())
    for manager in locked.program.managers.all():
        notice_send(
            user=manager,
            subject=_("The applicant answered on %(ref)s") % {"ref": locked.reference},
            url=reverse("grants:application_detail", args=[locked.pk]),
            mail=False,
        )
    return locked


@transaction.atomic
def application_approve(
    *, actor: User, application: Application, amount: Any | None = None, reason: str = ""
) -> Application:
    """Approve and commit the money through the budget ledger, under its lock.

    Refused, changing nothing, if the budget (or the round's share), a cap or the no-double-funding rule no
    longer allows it. Side effects: status approved, a ledger commitment (key application:<id>:commit),
    an event, a notice and mail, and the decision letter generated after commit.
    """
    locked = lock_application(application)
    require(can_decide(actor, locked))
    if S.APPROVED not in Application.TRANSITIONS[locked.status]:
        raise Conflict(
            _("Only an application in review can be approved (this one is “%(status)s”).")
            % {"status": locked.get_status_display()}
        )
    value = (
        locked.amount_requested
        if amount in (None, "")
        else to_amount(amount, locked.program.currency, field="amount")
    )
    if value > locked.amount_requested:
        raise ValidationError({"amount": _("The award cannot be more than the amount requested.")})
    # The budget first: from here until the commit no other award of this program is being made, so the
    # caps below count every award that can compete with this one (budget_commit takes it again: a no-op).
    budget_lock(locked.program)
    if double_funding_exists(
        applicant=locked.applicant, credential_id=locked.credential_id, excluding=locked
    ):
        raise ValidationError(
            _("This person already holds an award for this credential; it cannot be funded twice.")
        )
    caps = assess(locked)["caps"]
    if value > caps.maximum:
        raise ValidationError({"amount": caps.explanation})
    budget_commit(
        program=locked.program,
        amount=value,
        idempotency_key=f"application:{locked.pk}:commit",
        reason=_("Award for application %(ref)s") % {"ref": locked.reference},
        actor=actor,
        funding_round=locked.funding_round,
        subject=locked,
    )
    locked.amount_awarded, locked.decided_by, locked.decided_at = value, actor, timezone.now()
    locked.training_deadline = add_months(timezone.localdate(), locked.program.training_window_months)
    locked.decision_explanation = reason.strip()
    locked.cap_snapshot = {
        **locked.cap_snapshot,
        "at_decision": {"maximum": str(caps.maximum), "binding": caps.binding},
    }
    try:
        with transaction.atomic():
            move_application(
                locked,
                S.APPROVED,
                actor=actor,
                action="approved",
                reason=reason.strip(),
                payload={"amount": str(value)},
                extra_fields=(
                    "amount_awarded",
                    "decided_by",
                    "decided_at",
                    "decision_explanation",
                    "cap_snapshot",
                    "training_deadline",
                ),
            )
    except IntegrityError as error:  # the unique constraint: another approval for this person and credential
        raise ValidationError(
            _("This person already holds an award for this credential; it cannot be funded twice.")
        ) from error
    transaction.on_commit(lambda: tasks.generate_decision_letter.enqueue(application_id=locked.pk))
    tell_applicant(
        locked,
        _("Your application %(ref)s is approved") % {"ref": locked.reference},
        _("You have been awarded %(amount)s %(currency)s. Your decision letter is on the application page.")
        % {"amount": f"{value:,.2f}", "currency": locked.program.currency},
    )
    return locked


@transaction.atomic
def application_reject(
    *, actor: User, application: Application, reason_code: str, explanation: str
) -> Application:
    locked = lock_application(application)
    require(can_decide(actor, locked))
    if reason_code not in Application.RejectionReason.values:
        raise ValidationError({"reason_code": _("Choose a reason.")})
    if not explanation.strip():
        raise ValidationError({"explanation": _("Explain the decision; the applicant will read it.")})
    locked.rejection_reason, locked.decision_explanation = reason_code, explanation.strip()
    locked.decided_by, locked.decided_at = actor, timezone.now()
    move_application(
        locked,
        S.REJECTED,
        actor=actor,
        action="rejected",
        reason=explanation.strip(),
        payload={"reason_code": reason_code},
        extra_fields=("rejection_reason", "decision_explanation", "decided_by", "decided_at"),
    )
    transaction.on_commit(lambda: tasks.generate_decision_letter.enqueue(application_id=locked.pk))
    tell_applicant(
        locked,
        _("A decision on your application %(ref)s") % {"ref": locked.reference},
        _("Your application was not approved. The reason and how to appeal are in your decision letter."),
    )
    return locked


def approve_top_ranked(*, actor: User, funding_round: FundingRound) -> dict[str, list[str]]:
    """Approve a round's applications best first while the budget allows, and stop at the first refusal
    for lack of money. Each approval is its own transaction, so a refusal undoes none before it; an
    application refused for another reason (a cap, a withdrawal meanwhile) is skipped and reported."""
    from grants.applications.selectors import ranked_applications

    require(can_manage_program(actor, funding_round.program))
    approved: list[str] = []
    skipped: list[str] = []
    for application in list(ranked_applications(funding_round)):
        try:
            application_approve(actor=actor, application=application)
        except ValidationError as error:
            skipped.append(application.reference)
            codes = {e.code for errors in getattr(error, "error_dict", {}).values() for e in errors}
            if BUDGET_EXHAUSTED in codes:
                break
            continue
        except ApplicationError:
            skipped.append(application.reference)
            continue
        approved.append(application.reference)
    return {"approved": approved, "stopped_or_skipped": skipped}
