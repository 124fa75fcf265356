"""Applying: a worker starts a draft, changes it, submits it (checked against the program's rules and
caps, with what was checked kept as a snapshot), withdraws it, adds documents. `assess` answers what the
applicant may receive now, as shown before submission and judged again at the decision."""

import dataclasses
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.demographics import age_band
from core.exceptions import Conflict, NotAllowed, require
from core.money import to_amount
from grants.applications.selectors import (
    cap_usage,
    double_funding_exists,
    employer_cap_usage,
    rule_profile,
    worker_profile_for,
)
from grants.applications.workflow import (
    S,
    check_can_fund,
    check_taking_applications,
    lock_application,
    move_application,
    new_reference,
    store_document,
    tell_applicant,
)
from grants.models import (
    Application,
    ApplicationCreateKey,
    ApplicationDocument,
    ApplicationEvent,
    WorkerProfile,
)
from grants.permissions import can_apply, can_edit_draft, is_applicant_side
from programs.models import Credential, Program, ProgramCredential
from programs.rules import EMPLOYER_SCOPES, PERSON_SCOPES, Usage, maximum_award
from programs.selectors import program_eligibility


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
    funding_round = check_taking_applications(program, credential)
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
