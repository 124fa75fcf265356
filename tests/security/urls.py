"""Real URLs for the world: every URL pattern of the project, with its ids taken from one side's records,
and the table of which party owns the record behind each id."""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from accounts.roles import Role
from grants.models import CompletionClaim
from tests.security.world import Side
from tests.test_url_access import ALL_URLS

Kwargs = Callable[[Side], dict[str, Any]]


def _claim(side: Side) -> int:
    return CompletionClaim.objects.filter(application=side.paid).values_list("pk", flat=True)[0]


def _batch(side: Side) -> int:
    side.payment.refresh_from_db()
    return side.payment.batch_id  # type: ignore[attr-defined,no-any-return]


# name -> (the role of the party who owns the record, how to fill the URL from their side). Every page
# and API URL whose ids point at one party's records is here; the test below fails if one is missing.
OWNED: dict[str, tuple[Role, Kwargs]] = {
    # a worker's own applications
    "grants:application_detail": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "grants:application_edit": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "grants:application_submit": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "grants:application_withdraw": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "grants:application_respond": (Role.WORKER, lambda s: {"pk": s.in_review.pk}),
    "grants:letter_download": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "grants:award_enrol": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "grants:award_claim": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "grants:award_cancel": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "grants:outcome_report": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "api:application-detail": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "api:application-submit": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "api:application-withdraw": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "api:application-documents": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "api:application-assessment": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "api:application-events": (Role.WORKER, lambda s: {"pk": s.draft.pk}),
    "api:application-respond": (Role.WORKER, lambda s: {"pk": s.in_review.pk}),
    "api:application-letter": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "api:application-enrol": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "api:application-claim-completion": (Role.WORKER, lambda s: {"pk": s.paid.pk}),
    "api:claim-detail": (Role.WORKER, lambda s: {"pk": _claim(s)}),
    # the program manager of the application's program
    "grants:staff_assign": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.submitted.pk}),
    "grants:staff_begin_review": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.submitted.pk}),
    "grants:staff_request_info": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.in_review.pk}),
    "grants:staff_approve": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.in_review.pk}),
    "grants:staff_reject": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.in_review.pk}),
    "grants:staff_comment_add": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.in_review.pk}),
    "grants:staff_award_cancel": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.paid.pk}),
    "grants:staff_outcome_verify": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.paid.pk}),
    "grants:staff_claim_verify": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.paid.pk, "claim_pk": _claim(s)}),
    "grants:staff_claim_reject": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.paid.pk, "claim_pk": _claim(s)}),
    "grants:round_ranking": (Role.PROGRAM_MANAGER, lambda s: {"round_pk": s.draft.funding_round_id}),
    "grants:round_approve_top": (Role.PROGRAM_MANAGER, lambda s: {"round_pk": s.draft.funding_round_id}),
    "programs:program_edit": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "programs:program_transition": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "programs:round_create": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "programs:round_edit": (
        Role.PROGRAM_MANAGER,
        lambda s: {"code": s.program.code, "pk": s.draft.funding_round_id},
    ),
    "programs:cap_rules": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "programs:eligibility_rules": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "programs:scoring_criteria": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "programs:program_credentials": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "programs:program_credential_remove": (
        Role.PROGRAM_MANAGER,
        lambda s: {"code": s.program.code, "pk": s.credential.pk},
    ),
    "programs:budget": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "reports:program_report": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.program.pk}),
    "api:application-approve": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.in_review.pk}),
    "api:application-reject": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.in_review.pk}),
    "api:application-request-info": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.in_review.pk}),
    "api:application-assign": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.submitted.pk}),
    "api:application-cancel": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.paid.pk}),
    "api:application-verify-completion": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.paid.pk}),
    "api:application-reject-completion": (Role.PROGRAM_MANAGER, lambda s: {"pk": s.paid.pk}),
    "api:program-transition": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "api:program-budget": (Role.PROGRAM_MANAGER, lambda s: {"code": s.program.code}),
    "api:program-round-list": (Role.PROGRAM_MANAGER, lambda s: {"program_code": s.program.code}),
    "api:program-cap-list": (Role.PROGRAM_MANAGER, lambda s: {"program_code": s.program.code}),
    "api:program-criterion-list": (Role.PROGRAM_MANAGER, lambda s: {"program_code": s.program.code}),
    "api:program-eligibility-rule-list": (Role.PROGRAM_MANAGER, lambda s: {"program_code": s.program.code}),
    "api:program-credential-list": (Role.PROGRAM_MANAGER, lambda s: {"program_code": s.program.code}),
    # the reviewer assigned to the application
    "grants:staff_conflict_declare": (Role.REVIEWER, lambda s: {"pk": s.in_review.pk}),
    "grants:staff_review_submit": (Role.REVIEWER, lambda s: {"pk": s.in_review.pk}),
    "api:application-declare-conflict": (Role.REVIEWER, lambda s: {"pk": s.in_review.pk}),
    "api:application-reviews": (Role.REVIEWER, lambda s: {"pk": s.in_review.pk}),
    # a representative of the employer
    "employers:employer_detail": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "employers:employer_edit": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "employers:representatives": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "employers:pledge_create": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "employers:job_role_list": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "employers:job_role_create": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "employers:pledge_detail": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "employers:pledge_edit": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "employers:pledge_submit": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "employers:pledge_withdraw": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "employers:report_create": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "employers:job_role_edit": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.job_role.pk}),
    "employers:job_role_close": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.job_role.pk}),
    "employers:report_detail": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.report.pk}),
    "employers:report_evidence": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.report.pk}),
    "grants:role_candidates": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.job_role.pk}),
    "grants:candidate_invite": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.job_role.pk}),
    "grants:candidate_hire": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.job_role.pk}),
    "reports:pledge_summary": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "api:employer-detail": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.employer.pk}),
    "api:representative-list": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"employer_id": s.employer.pk}),
    "api:pledge-detail": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "api:pledge-submit": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "api:pledge-withdraw": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.pledge.pk}),
    "api:pledge-report-list": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pledge_id": s.pledge.pk}),
    "api:pledge-report-detail": (
        Role.EMPLOYER_REPRESENTATIVE,
        lambda s: {"pledge_id": s.pledge.pk, "pk": s.report.pk},
    ),
    "api:pledge-report-evidence": (
        Role.EMPLOYER_REPRESENTATIVE,
        lambda s: {"pledge_id": s.pledge.pk, "pk": s.report.pk},
    ),
    "api:job-role-detail": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.job_role.pk}),
    "api:job-role-close": (Role.EMPLOYER_REPRESENTATIVE, lambda s: {"pk": s.job_role.pk}),
}

# URLs that are all one role's (staff-wide: finance officers, officials, administrators see all of them),
# so they have no "other party" of the same role; filled from a side for the CSRF walk only.
SHARED: dict[str, Kwargs] = {
    "grants:payment_detail": lambda s: {"pk": s.payment.pk},
    "grants:payment_retry": lambda s: {"pk": s.payment.pk},
    "grants:payment_approve": lambda s: {"pk": s.paid.pk},
    "grants:clawback_create": lambda s: {"pk": s.paid.pk},
    "grants:batch_detail": lambda s: {"pk": _batch(s)},
    "grants:batch_export": lambda s: {"pk": _batch(s)},
    "grants:batch_send": lambda s: {"pk": _batch(s)},
    "grants:batch_discard": lambda s: {"pk": _batch(s)},
    "grants:batch_reconcile": lambda s: {"pk": _batch(s)},
    "employers:employer_verify": lambda s: {"pk": s.employer.pk},
    "employers:employer_suspend": lambda s: {"pk": s.employer.pk},
    "employers:employer_reinstate": lambda s: {"pk": s.employer.pk},
    "employers:pledge_activate": lambda s: {"pk": s.pledge.pk},
    "employers:pledge_return": lambda s: {"pk": s.pledge.pk},
    "employers:pledge_fulfil": lambda s: {"pk": s.pledge.pk},
    "employers:report_verify": lambda s: {"pk": s.report.pk},
    "employers:report_return": lambda s: {"pk": s.report.pk},
    "accounts:user_detail": lambda s: {"pk": s.worker.pk},
    "accounts:user_role_grant": lambda s: {"pk": s.worker.pk},
    "accounts:user_role_revoke": lambda s: {"pk": s.worker.pk},
    "programs:program_detail": lambda s: {"code": s.program.code},
    "grants:application_start": lambda s: {"code": s.program.code},
    "grants:employer_application_start": lambda s: {"code": s.program.code},
    "programs:credential_detail": lambda s: {"pk": s.credential.pk},
    "programs:credential_edit": lambda s: {"pk": s.credential.pk},
    "programs:provider_edit": lambda s: {"pk": s.credential.provider_id},
    "programs:badge_issuer_register": lambda s: {"pk": s.credential.provider_id},
    "employers:public_pledge_detail": lambda s: {"pk": s.pledge.pk},
}


# Program-scoped URLs: the program itself is public, and its configuration (rounds, caps, criteria, rules,
# credentials, budget) is readable by staff by design (programs/api.py: "Program managers, finance
# officers, officials and administrators"); only its managers may change it. So another program's manager
# may read (200) but any change is refused (403: the program is no secret) and nothing changes.
PROGRAM_SCOPED = {
    name for name, (_role, _fill) in OWNED.items() if name.startswith(("programs:", "api:program-"))
}
PROGRAM_SCOPED |= {"reports:program_report"}


def url_of(name: str, side: Side, sample: str) -> str:
    """The URL `name` filled with `side`'s ids where the tables know how; else the walk's sample URL."""
    fill = OWNED[name][1] if name in OWNED else SHARED.get(name)
    if fill is None:
        return sample
    try:
        return reverse(name, kwargs=fill(side))
    except NoReverseMatch:
        return sample


PAGE_AND_API_URLS = [
    (name, url) for name, url in ALL_URLS if not name.startswith("<unnamed /static/") and name != "favicon"
]

# The tables a refused request must leave as they were.
MAIN_TABLES = [
    "accounts.User",
    "accounts.RoleChange",
    "accounts.Notice",
    "programs.Program",
    "programs.FundingRound",
    "programs.LedgerEntry",
    "programs.Credential",
    "programs.TrainingProvider",
    "employers.Employer",
    "employers.Pledge",
    "employers.JobRole",
    "employers.Hire",
    "employers.ProgressReport",
    "grants.Application",
    "grants.ApplicationEvent",
    "grants.ApplicationDocument",
    "grants.Review",
    "grants.StaffComment",
    "grants.CompletionClaim",
    "grants.Payment",
    "grants.PaymentBatch",
    "grants.Outcome",
    "reporting.ExportJob",
]


def snapshot() -> dict[str, Any]:
    """Row counts of the main tables, and the status of every application, pledge, employer, payment."""
    counts: dict[str, Any] = {label: apps.get_model(label).objects.count() for label in MAIN_TABLES}
    for label in ("grants.Application", "employers.Pledge", "employers.Employer", "grants.Payment"):
        model = apps.get_model(label)
        counts[label + ".status"] = dict(model.objects.values_list("pk", "status"))
    return counts
