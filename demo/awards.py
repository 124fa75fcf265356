"""Demo awards (issue 5): what happens to the approved demo applications after approval.

Everything goes through the services (grants/awards/services.py, services_payments.py,
services_outcomes.py, programs.services), acting as the worker, the demo program manager (who verifies
completion claims) and the demo finance officer (who approves, batches and reconciles payments, so the
maker-checker rule holds without a second finance officer). The only writes behind the services' backs are
dates, never statuses: the training deadline of the awards that are to expire (then awards_expire_due
expires them) and the due date of the 2nd-quarter follow-ups that are to be asked now (then
outcome_follow_ups_send asks them).

What it makes, from the approved demo applications (earliest decisions go furthest):
- a demo training-provider signing key (DEMO ONLY, below) registered as a badge issuer for the providers of
  the demo programs' credentials, and an Open Badges achievement id on each of those credentials;
- awards in every state after approval: enrolled, completion claimed (with a certificate PDF, or a signed
  Open Badges 3.0 credential as a JWT or with a Data Integrity proof), completion verified, payment
  scheduled, paid, expired, cancelled, clawed back; and one claim that staff rejected (back to enrolled);
- payment batches: reconciled (paid rows and one failed payment, later retried), sent (waiting for the
  results file, holding the retried payment), exported, and a draft;
- outcomes: 2nd-quarter follow-ups asked of paid awards, some answered (employed with pay, self-employed,
  unemployed...), some waiting for an answer, and some outcomes verified by the manager;
- the demo workers: worker@ has an award enrolled and ready to claim and one paid with an open follow-up
  question; worker2@ has a completion claimed with a verified badge.

A tampered badge is not stored anywhere: the claim service refuses a badge that fails a check and stores
nothing, which is the behaviour to show. `demo_tampered_badge()` gives one (a real badge for worker2@ whose
recipient was edited to worker@'s, so its signature no longer matches); seed_demo prints it, and pasting it
into worker@'s claim form shows the refusal naming the "signature" check.

A fixed random seed makes every run produce the same data (apart from references and "now"). Running it
again when demo awards exist does nothing.
"""

import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from tqdm import tqdm

from accounts.models import User
from core.exceptions import Conflict
from core.openbadges import (
    _b64url_decode,
    _b64url_encode,
    build_badge,
    did_key_for,
    email_identity_hash,
    sign_badge_data_integrity,
    sign_badge_jwt,
)
from demo.applications import (
    ITA,
    MANAGER_EMAIL,
    PEOPLE_DOMAIN,
    SKILLCREDIT,
    WORKER2_EMAIL,
    WORKER_EMAIL,
    Context,
    _apply,
    _attach_quote,
    _backdate,
    _context,
    _credential,
    _review,
)
from grants.applications import services
from grants.awards.outcomes import outcome_follow_ups_send, outcome_report, outcome_verify
from grants.awards.services import (
    award_cancel,
    award_enrol,
    awards_expire_due,
    completion_claim,
    completion_reject,
    completion_verify,
)
from grants.models import (
    Application,
    Clawback,
    CompletionClaim,
    Outcome,
    OutcomeFollowUp,
    Payment,
    PaymentBatch,
    Review,
)
from grants.payments.services import (
    clawback_record,
    payment_approve,
    payment_batch_create,
    payment_batch_export,
    payment_batch_mark_sent,
    payment_batch_reconcile,
    payment_retry,
)
from programs.models import BadgeIssuer, Credential, ProgramCredential
from programs.services import badge_issuer_register, credential_save

S = Application.Status
FINANCE_EMAIL = "finance@demo.skillsfund.test"
SEED = 2605

# DEMO ONLY: the private signing key of the fictional training providers' badge service. It is published
# here so that demo badges can be made and checked; never register it for a real provider.
DEMO_PROVIDER_PRIVATE_JWK = {
    "kty": "OKP",
    "crv": "Ed25519",
    "x": "SLeHTOB0VRp2yUekTkVYCas9wr3tIkJ8WWJFWhTht_I",
    "d": "akKVDaUkFBKjERDEV-ybp0IuM4ujhLWrgFwaKiPF3N4",
}
DEMO_PROVIDER_PUBLIC_JWK = {key: value for key, value in DEMO_PROVIDER_PRIVATE_JWK.items() if key != "d"}
DEMO_ISSUER_ID = did_key_for(DEMO_PROVIDER_PUBLIC_JWK)
DEMO_KEY_ID = f"{DEMO_ISSUER_ID}#{DEMO_ISSUER_ID.removeprefix('did:key:')}"

# What each award is taken to, furthest first: (role, share of the approved awards, at least).
ROLES: tuple[tuple[str, float, int], ...] = (
    ("expired_approved", 0.03, 1),
    ("expired_enrolled", 0.03, 0),
    ("clawed_back", 0.02, 1),
    ("failed", 0.0, 1),
    ("paid", 0.22, 1),
    ("sent", 0.05, 1),
    ("exported", 0.05, 1),
    ("draft", 0.04, 1),
    ("payment_approved", 0.04, 1),
    ("verified", 0.08, 1),
    ("claimed_certificate", 0.06, 0),
    ("claimed_jwt", 0.03, 1),
    ("claimed_data_integrity", 0.03, 1),
    ("claim_rejected", 0.02, 1),
    ("cancelled_by_worker", 0.02, 1),
    ("cancelled_by_manager", 0.02, 0),
    ("enrolled", 0.12, 1),
    ("approved", 0.0, 1),  # the rest
)
IN_BATCHES = {"clawed_back", "failed", "paid", "sent", "exported", "draft"}
PAYMENT_ROLES = IN_BATCHES | {"payment_approved"}
VERIFIED_ROLES = PAYMENT_ROLES | {"verified"}
CLAIM_ROLES = VERIFIED_ROLES | {
    "claimed_certificate",
    "claimed_jwt",
    "claimed_data_integrity",
    "claim_rejected",
}
ENROLLED_ROLES = CLAIM_ROLES | {"expired_enrolled", "cancelled_by_manager", "enrolled"}
# Days between completion and today, by how far the award has gone.
COMPLETION_LAG = {"paid": (12, 30), "batch": (6, 12), "verified": (2, 6), "claimed": (0, 3)}

EMPLOYERS = (
    "Lakeland Regional Medical Center",
    "Harbour Logistics",
    "Northshore Manufacturing",
    "City of Lakeland",
    "Metro Transit Authority",
    "Coastal Credit Union",
    "Lakeland Public Schools",
    "Great Lakes Energy Services",
    "Summit Home Health",
    "Riverside Property Management",
)
OUTCOME_WEIGHTS = {
    Outcome.EmploymentStatus.EMPLOYED: 60,
    Outcome.EmploymentStatus.SELF_EMPLOYED: 8,
    Outcome.EmploymentStatus.UNEMPLOYED: 20,
    Outcome.EmploymentStatus.IN_EDUCATION: 7,
    Outcome.EmploymentStatus.NOT_WORKING: 5,
}
CANCEL_BY_WORKER = (
    "My new employer is paying for this course, so I no longer need the award.",
    "I cannot start the course this year after all; I will apply again later.",
)
CANCEL_BY_MANAGER = (
    "The provider cancelled this course intake; the money returns to the budget and you may apply again.",
    "The applicant moved out of Lakeland before the training started.",
)
REJECT_NOTE = (
    "The certificate is for the introductory module, not the full credential. Please upload the "
    "certificate for the whole course, or paste the badge the provider issued for it."
)
VERIFY_NOTES = {
    "certificate": ("", "", "Certificate checked with the provider's list of graduates."),
    "badge": ("", "Badge verified: issuer registered for the provider, signature and recipient match."),
}
FAILED_REASON = "Account closed: the provider's bank account on file was closed."
RETRY_REASON = "The provider confirmed new bank details; paying again in the next batch."
CLAWBACK_EXPLANATION = (
    "The provider refunded part of the fee after the exam voucher was not used; the unused part is recovered."
)


# ---------------------------------------------------------------- documents and badges


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def certificate_pdf(lines: list[str], title: str = "Certificate of completion") -> bytes:
    """A small valid one-page PDF (Helvetica text, correct cross-reference table)."""
    content = b"BT /F1 22 Tf 72 700 Td (" + _pdf_text(title) + b") Tj ET\n"
    y = 660
    for line in lines:
        content += b"BT /F1 12 Tf 72 %d Td (" % y + _pdf_text(line) + b") Tj ET\n"
        y -= 20
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</Font<</F1 5 0 R>>>>/Contents 4 0 R>>",
        b"<</Length %d>>stream\n" % len(content) + content + b"endstream",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def achievement_id_for(credential: Credential) -> str:
    return (
        f"https://badges.{slugify(credential.provider.name)}.example/achievements/"
        f"{slugify(credential.title)[:80]}"
    )


def demo_badge(
    *, credential: Credential, email: str, completed_on: date, proof: str = "jwt", salt: str | None = None
) -> str:
    """A real Open Badges 3.0 credential for `email`, signed with the demo provider key (DEMO ONLY):
    a compact JWT, or JSON with an eddsa-jcs-2022 Data Integrity proof. Same inputs, same badge."""
    now = timezone.now()
    issued = datetime.combine(completed_on, time(16, 0), tzinfo=UTC)  # the afternoon of the last exam
    if issued > now:  # completed today: an hour ago, on the hour, so the same badge within the hour
        issued = now.replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
    name = f"{credential.pk}:{email.lower()}:{completed_on.isoformat()}"
    unsigned = build_badge(
        issuer_id=DEMO_ISSUER_ID,
        issuer_name=credential.provider.name,
        recipient_email=email,
        salt=salt if salt is not None else uuid.uuid5(uuid.NAMESPACE_URL, name).hex[:16],
        achievement_id=credential.badge_achievement_id or achievement_id_for(credential),
        achievement_name=credential.title,
        ctid=credential.ctid or "",
        valid_from=issued,
        valid_until=issued + timedelta(days=3 * 365),
        credential_id=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'skillsfund-demo:' + name)}",
    )
    if proof == "jwt":
        return sign_badge_jwt(unsigned, private_jwk=DEMO_PROVIDER_PRIVATE_JWK, kid=DEMO_KEY_ID)
    signed = sign_badge_data_integrity(
        unsigned, private_jwk=DEMO_PROVIDER_PRIVATE_JWK, verification_method=DEMO_KEY_ID, created=issued
    )
    return json.dumps(signed, indent=2, ensure_ascii=False)


def tamper_recipient(token: str, email: str) -> str:
    """Edit a badge JWT's payload to name another recipient, keeping the original signature."""
    header, payload, signature = token.split(".")
    claims = json.loads(_b64url_decode(payload))
    identity = claims["credentialSubject"]["identifier"][0]
    identity["identityHash"] = email_identity_hash(email, identity["salt"])
    edited = _b64url_encode(json.dumps(claims, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))
    return f"{header}.{edited}.{signature}"


def demo_tampered_badge() -> str:
    """A tampered badge for worker@'s enrolled award ("" when there is none): a real badge for worker2@
    whose recipient was edited to worker@. The claim form refuses it, naming the "signature" check."""
    award = (
        Application.objects.filter(applicant__email__iexact=WORKER_EMAIL, status=S.ENROLLED)
        .select_related("credential__provider")
        .order_by("pk")
        .first()
    )
    if award is None or not award.credential.badge_achievement_id:
        return ""
    genuine = demo_badge(
        credential=award.credential,
        email=WORKER2_EMAIL,
        completed_on=award.training_start_date or timezone.localdate(),
    )
    return tamper_recipient(genuine, WORKER_EMAIL)


# ---------------------------------------------------------------- set-up


def _register_demo_issuer(manager: User) -> None:
    """The demo key as a badge issuer for every provider of the demo programs' credentials, and an
    achievement id on each of those credentials (kept if one is set)."""
    links = ProgramCredential.objects.filter(program__code__in=[SKILLCREDIT, ITA]).select_related(
        "credential__provider"
    )
    credentials = {link.credential.pk: link.credential for link in links}
    providers = {credential.provider.pk: credential.provider for credential in credentials.values()}
    registered = set(
        BadgeIssuer.objects.filter(issuer_id=DEMO_ISSUER_ID, revoked_at__isnull=True).values_list(
            "provider_id", flat=True
        )
    )
    for pk in sorted(providers):
        if pk not in registered:
            badge_issuer_register(actor=manager, provider=providers[pk], issuer_id=DEMO_ISSUER_ID)
    for pk in sorted(credentials):
        credential = credentials[pk]
        if not credential.badge_achievement_id:
            credential_save(
                actor=manager, credential=credential, badge_achievement_id=achievement_id_for(credential)
            )


@dataclass
class Plan:
    ctx: Context
    finance: User
    today: date
    roles: dict[int, str] = field(default_factory=dict)  # application pk -> role
    payments: dict[str, list[Payment]] = field(default_factory=dict)  # role -> payments


def _role_counts(total: int) -> list[tuple[str, int]]:
    """How many awards each role gets: its share of `total`, at least its minimum, the rest approved. When
    the pool is short, minimums first, then one more at a time where the shares are furthest behind."""
    desired = {role: max(least, round(share * total)) for role, share, least in ROLES if role != "approved"}
    counts = dict(desired)
    if sum(desired.values()) + 1 > total:
        counts = {role: least for role, _share, least in ROLES if role != "approved"}
        spare = total - 1 - sum(counts.values())
        while spare > 0:
            role = max(counts, key=lambda name: desired[name] - counts[name])
            if desired[role] <= counts[role]:
                break
            counts[role] += 1
            spare -= 1
    approved = max(1, total - sum(counts.values()))
    return [(role, approved if role == "approved" else counts[role]) for role, _share, _least in ROLES]


def _minimum_pool() -> int:
    return sum(least for _role, _share, least in ROLES)


def _top_up(plan: Plan, pool: list[Application]) -> list[Application]:
    """With few demo applications, approve some in review (or submitted) so every state can be shown."""
    ctx = plan.ctx
    wanted = _minimum_pool() - len(pool)
    candidates = Application.objects.filter(
        applicant__email__iendswith="@" + PEOPLE_DOMAIN, status__in=[S.IN_REVIEW, S.SUBMITTED]
    ).order_by("status", "pk")
    for application in candidates:
        if wanted <= 0:
            break
        try:
            if application.status == S.SUBMITTED:
                services.application_begin_review(actor=ctx.manager, application=application)
            services.application_approve(actor=ctx.manager, application=application)
        except (ValidationError, Conflict):
            continue
        _backdate(ctx, application, "approved")
        wanted -= 1
    return _pool()


def _pool() -> list[Application]:
    return list(
        Application.objects.filter(applicant__email__iendswith="@" + PEOPLE_DOMAIN, status=S.APPROVED)
        .select_related("applicant", "credential__provider", "program")
        .order_by("decided_at", "pk")
    )


# ---------------------------------------------------------------- one award


def _lag(plan: Plan, role: str) -> int:
    if role in {"clawed_back", "failed", "paid"}:
        low, high = COMPLETION_LAG["paid"]
    elif role in IN_BATCHES or role == "payment_approved":
        low, high = COMPLETION_LAG["batch"]
    elif role == "verified":
        low, high = COMPLETION_LAG["verified"]
    else:
        low, high = COMPLETION_LAG["claimed"]
    return plan.ctx.rng.randint(low, high)


def _enrol(plan: Plan, application: Application) -> Application:
    decided = timezone.localtime(application.decided_at).date() if application.decided_at else plan.today
    start = min(decided + timedelta(days=plan.ctx.rng.randint(2, 14)), plan.today)
    return award_enrol(actor=application.applicant, application=application, training_start_date=start)


def _completed_on(plan: Plan, application: Application, role: str) -> date:
    start = application.training_start_date or plan.today
    natural = start + timedelta(weeks=application.credential.duration_weeks)
    return max(start, min(natural, plan.today - timedelta(days=_lag(plan, role))))


def _claim(plan: Plan, application: Application, role: str, evidence: str) -> CompletionClaim:
    worker = application.applicant
    credential = application.credential
    completed = _completed_on(plan, application, role)
    kwargs: dict[str, Any] = {}
    if evidence in ("jwt", "data_integrity"):
        kwargs["badge"] = demo_badge(
            credential=credential, email=worker.email, completed_on=completed, proof=evidence
        )
    if "badge" not in kwargs or plan.ctx.rng.random() < 0.3:  # a badge sometimes comes with a certificate
        lines = [
            f"This certifies that {worker.full_name or worker.email}",
            f"has completed {credential.title}",
            f"at {credential.provider.name} on {completed:%B %d, %Y}.",
        ]
        if role == "claim_rejected":
            lines[1] = f"has completed Module 1 (introduction) of {credential.title}"
        kwargs["certificate"] = _upload("certificate.pdf", certificate_pdf(lines))
    if application.program.code == ITA and plan.ctx.rng.random() < 0.5:
        awarded = application.amount_awarded or Decimal("0")
        discount = Decimal("0.90") if plan.ctx.rng.random() < 0.3 else Decimal("1")
        amount = (awarded * discount).quantize(Decimal("0.01"))
        kwargs["invoice"] = _upload(
            "invoice.pdf",
            certificate_pdf(
                [
                    f"Tuition for {credential.title}",
                    f"Student: {worker.full_name}",
                    f"Amount due: USD {amount:,.2f}",
                ],
                title=f"Invoice - {credential.provider.name}",
            ),
        )
        kwargs["invoice_amount"] = amount
    return completion_claim(actor=worker, application=application, completed_on=completed, **kwargs)


def _drive(plan: Plan, application: Application, role: str) -> None:
    """Take an approved award as far as its role goes before batching (payments approved at most)."""
    ctx, rng = plan.ctx, plan.ctx.rng
    worker = application.applicant
    if role == "cancelled_by_worker":
        award_cancel(actor=worker, application=application, reason=rng.choice(CANCEL_BY_WORKER))
        return
    if role not in ENROLLED_ROLES:
        return
    application = _enrol(plan, application)
    if role == "cancelled_by_manager":
        award_cancel(actor=ctx.manager, application=application, reason=rng.choice(CANCEL_BY_MANAGER))
        return
    if role not in CLAIM_ROLES:
        return
    evidence = {"claimed_jwt": "jwt", "claimed_data_integrity": "data_integrity"}.get(role, "certificate")
    if role in VERIFIED_ROLES:
        evidence = rng.choices(["certificate", "jwt", "data_integrity"], weights=[6, 2, 2])[0]
    claim = _claim(plan, application, role, evidence)
    if role == "claim_rejected":
        completion_reject(actor=ctx.manager, claim=claim, reason=REJECT_NOTE)
        return
    if role not in VERIFIED_ROLES:
        return
    notes = VERIFY_NOTES["badge" if claim.badge else "certificate"]
    completion_verify(actor=ctx.manager, claim=claim, note=rng.choice(notes))
    if role in PAYMENT_ROLES:
        payment, _done = payment_approve(actor=plan.finance, application=application)
        plan.payments.setdefault(role, []).append(payment)


# ---------------------------------------------------------------- batches


def _batch(plan: Plan, roles: list[str], extra: list[Payment] | None = None) -> PaymentBatch | None:
    payments = [payment for role in roles for payment in plan.payments.get(role, [])] + (extra or [])
    if not payments:
        return None
    return payment_batch_create(actor=plan.finance, currency="USD", payments=payments).batch


def _results_file(plan: Plan, batch: PaymentBatch, failed: set[int]) -> bytes:
    lines = ["payment_reference,result,paid_on,amount,reason"]
    paid_on = plan.today - timedelta(days=3)
    for payment in batch.payments.select_related("application").order_by("reference"):
        if payment.pk in failed:
            lines.append(f'{payment.reference},failed,,{payment.amount:.2f},"{FAILED_REASON}"')
        else:
            completed = payment.application.completed_on or paid_on
            lines.append(
                f"{payment.reference},paid,{max(paid_on, completed).isoformat()},{payment.amount:.2f},"
            )
    return ("\n".join(lines) + "\n").encode()


def _payments(plan: Plan) -> None:
    finance = plan.finance
    reconciled = _batch(plan, ["clawed_back", "failed", "paid"])
    retried: list[Payment] = []
    if reconciled is not None:
        payment_batch_export(actor=finance, batch=reconciled)
        payment_batch_mark_sent(actor=finance, batch=reconciled)
        failed = {payment.pk for payment in plan.payments.get("failed", [])}
        payment_batch_reconcile(
            actor=finance, batch=reconciled, content=_results_file(plan, reconciled, failed)
        )
        for payment in plan.payments.get("failed", []):
            retried.append(payment_retry(actor=finance, payment=payment, reason=RETRY_REASON)[0])
    sent = _batch(plan, ["sent"], retried)
    if sent is not None:
        payment_batch_export(actor=finance, batch=sent)
        payment_batch_mark_sent(actor=finance, batch=sent)
    exported = _batch(plan, ["exported"])
    if exported is not None:
        payment_batch_export(actor=finance, batch=exported)
    _batch(plan, ["draft"])
    for payment in plan.payments.get("clawed_back", []):
        recovered = min(Decimal("150.00"), (payment.amount / 4).quantize(Decimal("0.01")))
        clawback_record(
            actor=finance,
            application=payment.application,
            amount=recovered,
            reason_code=Clawback.Reason.OVERPAYMENT,
            explanation=CLAWBACK_EXPLANATION,
        )


# ---------------------------------------------------------------- expiry and outcomes


def _expire(plan: Plan) -> None:
    rng, today = plan.ctx.rng, plan.today
    chosen = [pk for pk, role in plan.roles.items() if role in ("expired_approved", "expired_enrolled")]
    for application in Application.objects.filter(pk__in=chosen).order_by("pk"):
        start = application.training_start_date or timezone.localtime(application.decided_at).date()
        deadline = min(
            max(start + timedelta(days=1), today - timedelta(days=rng.randint(2, 12))),
            today - timedelta(days=1),
        )
        # Only the date moves (time "passes"); the service decides the expiry.
        Application.objects.filter(pk=application.pk).update(training_deadline=deadline)
    awards_expire_due(today=today)


def _occupation(application: Application) -> str:
    code = application.credential.occupations.order_by("code").values_list("code", flat=True).first()
    return code or ""


def _outcomes(plan: Plan, asked: list[Application], keep_open: set[int]) -> None:
    """Ask the 2nd-quarter follow-up of the paid awards now (its due date moved to the past), answer most
    of them as the workers, and let the manager verify some outcomes from wage records."""
    ctx, rng, today = plan.ctx, plan.ctx.rng, plan.today
    follow_ups = OutcomeFollowUp.objects.filter(
        application__in=asked, quarter_after_completion=2, sent_at__isnull=True
    )
    for follow_up in follow_ups.select_related("application").order_by("pk"):
        due = max(follow_up.application.completed_on or today, today - timedelta(days=rng.randint(3, 20)))
        OutcomeFollowUp.objects.filter(pk=follow_up.pk).update(due_on=min(due, today))
    outcome_follow_ups_send(today=today)
    # The first three answer (employed, unemployed, employed and then verified), so even a small demo shows
    # each kind; after them most answer, at random.
    others = [application for application in asked if application.pk not in keep_open]
    for number, application in enumerate(others):
        follow_up = application.follow_ups.get(quarter_after_completion=2)
        completed = application.completed_on or today
        observed = max(completed, today - timedelta(days=rng.randint(0, 10)))
        occupation = _occupation(application)
        answer = number < 3 or rng.random() < 0.7
        status = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
        if number < 3:
            status = Outcome.EmploymentStatus.UNEMPLOYED if number == 1 else Outcome.EmploymentStatus.EMPLOYED
        employer = rng.choice(EMPLOYERS)
        wage = Decimal(rng.randrange(30000, 72000, 500)) if status in Outcome.EMPLOYED else None
        if answer:
            outcome_report(
                actor=application.applicant,
                application=application,
                employment_status=status,
                employer_name=employer if status == Outcome.EmploymentStatus.EMPLOYED else "",
                occupation_code=occupation if status in Outcome.EMPLOYED else "",
                annual_wage=wage,
                observed_on=observed,
                follow_up=follow_up,
            )
        if number == 2 or (number > 2 and rng.random() < (0.35 if answer else 0.15)):
            # The manager checks wage records: employment is confirmed, pay sometimes differs a little.
            employed = status in Outcome.EMPLOYED or not answer
            recorded = (wage or Decimal(rng.randrange(30000, 72000, 500))) + rng.choice([0, 0, 500, -500])
            outcome_verify(
                actor=ctx.manager,
                application=application,
                employment_status=Outcome.EmploymentStatus.EMPLOYED if employed else status,
                employer_name=employer if employed else "",
                occupation_code=occupation if employed else "",
                annual_wage=recorded if employed else None,
                observed_on=observed,
                quarter_after_completion=2,
            )


# ---------------------------------------------------------------- the demo workers


def _demo_workers(plan: Plan) -> list[int]:
    """worker@: the approved Skills Credit award enrolled (ready to claim) and a new ITA award (EPA 608)
    paid, with its follow-up waiting for an answer; worker2@: a new ITA award (CDL) with a completion claim
    carrying a verified badge. Returns the demo workers' paid awards (their follow-up stays unanswered)."""
    ctx = plan.ctx
    paid: list[int] = []
    worker = User.objects.filter(email__iexact=WORKER_EMAIL).first()
    if worker is not None:
        enrol = worker.applications.filter(status=S.APPROVED).order_by("pk").first()
        if enrol is not None:
            _enrol(plan, enrol)
        award = _new_award(ctx, worker, _credential(ctx, ITA, "EPA Section 608"))
        if award is not None:
            plan.roles[award.pk] = "paid"
            _drive(plan, award, "paid")
            paid.append(award.pk)
    worker2 = User.objects.filter(email__iexact=WORKER2_EMAIL).first()
    if worker2 is not None:
        award = _new_award(ctx, worker2, _credential(ctx, ITA, "Commercial Driver"))
        if award is not None:
            plan.roles[award.pk] = "claimed_jwt"
            _drive(plan, award, "claimed_jwt")
    return paid


def _new_award(ctx: Context, worker: User, credential: Credential) -> Application | None:
    """Apply, be reviewed and approved, with the dates moved into the round's past like the others."""
    if worker.applications.filter(credential=credential).exists():
        return None
    application = _apply(ctx, worker, ITA, credential)
    _attach_quote(worker, application)
    services.application_submit(actor=worker, application=application)
    _review(ctx, application, Review.Recommendation.APPROVE)
    try:
        services.application_approve(actor=ctx.manager, application=application)
    except ValidationError:
        return None
    _backdate(ctx, application, "approved")
    application.refresh_from_db()
    return application


# ---------------------------------------------------------------- entry point

AFTER_APPROVAL = [
    S.ENROLLED,
    S.COMPLETION_CLAIMED,
    S.COMPLETION_VERIFIED,
    S.PAYMENT_SCHEDULED,
    S.PAID,
    S.EXPIRED,
    S.CANCELLED,
    S.CLAWED_BACK,
]


def demo_awards_exist() -> bool:
    return (
        Application.objects.filter(applicant__email__iendswith="@" + PEOPLE_DOMAIN)
        .filter(Q(status__in=AFTER_APPROVAL) | Q(payments__isnull=False))
        .exists()
    )


@transaction.atomic
def seed_demo_awards(*, rng_seed: int = SEED) -> dict[str, int]:
    """Take the approved demo applications (and the demo workers) through enrolment, completion claims,
    payments and outcomes, as described in this module's docstring. Returns counts of what was made: awards
    taken past approval, payments, batches, outcomes (all zero when demo awards exist already or there are
    no demo applications). Raises RuntimeError if the demo accounts are missing."""
    made = {"awards": 0, "payments": 0, "batches": 0, "outcomes": 0}
    if demo_awards_exist():
        return made
    manager = User.objects.filter(email__iexact=MANAGER_EMAIL).first()
    finance = User.objects.filter(email__iexact=FINANCE_EMAIL).first()
    if manager is None or finance is None:
        raise RuntimeError("Seed the demo accounts before the demo awards.")
    pool = _pool()
    if not pool and not Application.objects.filter(applicant__email__iendswith="@" + PEOPLE_DOMAIN).exists():
        return made
    before = {
        "payments": Payment.objects.count(),
        "batches": PaymentBatch.objects.count(),
        "outcomes": Outcome.objects.count(),
    }
    rng = random.Random(rng_seed)  # noqa: S311 - repeatable demo data, not security
    ctx = _context(rng)
    plan = Plan(ctx=ctx, finance=finance, today=timezone.localdate())
    _register_demo_issuer(manager)
    if len(pool) < _minimum_pool():
        pool = _top_up(plan, pool)
    counts = _role_counts(len(pool))
    keep = dict(counts)["approved"]  # the latest decisions stay approved, even when the pool is short
    queue = list(pool[: len(pool) - keep])
    for application in pool[len(pool) - keep :]:
        plan.roles[application.pk] = "approved"
    for role, count in counts:
        if role != "approved":
            for application in queue[:count]:
                plan.roles[application.pk] = role
            queue = queue[count:]
    paid_workers = _demo_workers(plan)
    for application in tqdm(pool, desc="Demo awards", unit="award", leave=False, disable=None):
        if application.pk in plan.roles:
            _drive(plan, application, plan.roles[application.pk])
    _payments(plan)
    _expire(plan)
    asked = list(
        Application.objects.filter(
            pk__in=[pk for pk, role in plan.roles.items() if role in ("paid", "clawed_back")] + paid_workers
        )
        .select_related("applicant", "credential", "program")
        .order_by("pk")
    )
    _outcomes(plan, asked, set(paid_workers))
    made["awards"] = sum(1 for role in plan.roles.values() if role != "approved")
    made["payments"] = Payment.objects.count() - before["payments"]
    made["batches"] = PaymentBatch.objects.count() - before["batches"]
    made["outcomes"] = Outcome.objects.count() - before["outcomes"]
    return made
