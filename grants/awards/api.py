"""The award API (issue 5): enrolment and completion claims on an application, then claims, outcomes and
outcome follow-ups (payments, batches and clawbacks: grants/payments/api.py). Thin: serializers parse,
services write.

Order of refusals, as in grants/applications/api.py: a record the caller may not see is a 404; one they
may see but not act on this way is a 403 (checked before the input, so a refused request learns nothing
from validation); bad input is a 400 with field errors; a state that forbids the action is a 409.

Who sees what:
- claims: the applicant side (their own), managers of the program, finance officers and administrators;
  only staff see each badge check.
- payments and payment batches: finance officers only (a 403 for everyone else).
- clawbacks: finance officers record and read them all; the applicant side reads its own; managers of the
  program and administrators read theirs.
- outcomes: workers report and read their own; managers of the program read them and record verified ones
  (`POST /outcomes/verified/`); administrators read them all.
- outcome follow-ups: the worker's own unanswered questions whose time has come.
"""

from datetime import date
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.permissions import AnyUser, has_any_role, has_role, is_signed_in
from accounts.roles import Role
from core.api import (
    ACTION_ERRORS,
    ID_REGEX,
    LIST_ERRORS,
    READ_ERRORS,
    JsonViewSet,
    actor,
    error_answers,
    may,
    require_role,
    service_action,
    user_may,
)
from core.exceptions import Conflict
from core.filters import id_filter
from grants.applications.api.common import applicant_side_only
from grants.applications.serializers import ApplicationSerializer, ApplicationStaffSerializer
from grants.awards import outcomes as services_outcomes
from grants.awards import services as services_awards
from grants.awards.serializers import (
    ClaimCompletionSerializer,
    ClaimSerializer,
    CompletionNoteSerializer,
    EnrolSerializer,
    FollowUpSerializer,
    OutcomeReportSerializer,
    OutcomeSerializer,
    OutcomeVerifiedSerializer,
    ReasonRequiredSerializer,
)
from grants.models import (
    Application,
    CompletionClaim,
    Outcome,
    OutcomeFollowUp,
)
from grants.permissions import can_cancel_award, can_verify_completion

# ---------------------------------------------------------------- application actions


class AwardActionsMixin:
    """Actions on an award, mixed into grants.api.ApplicationViewSet over grants.applications.api's
    (which finds the application, `target`, and answers with it, `present`): enrol, claim completion,
    verify or reject the open claim, cancel. Each answers from the service's own objects, never by
    reading the application again after the commit."""

    request: Any

    @service_action(
        summary="Confirm enrolment with the provider",
        description="The applicant side of an approved award, with the day the training starts (not "
        "before the application was submitted, nor after the training deadline).",
        detail=True,
        check=applicant_side_only,
        body=EnrolSerializer,
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    def enrol(self, application: Application, data: dict[str, Any]) -> Application:
        return services_awards.award_enrol(actor=actor(self.request), application=application, **data)

    @service_action(
        summary="Claim completion, with evidence (multipart)",
        description="The applicant side of an enrolled award. The evidence the program asks for "
        "(`claim_evidence`): a certificate (PDF, PNG or JPEG, checked by content), an Open Badges 3.0 "
        "credential (text in `badge`, or a file in `badge_file`) verified at once, an invoice with its "
        "amount, proof of payment, the annual wage where the program sets a floor, and for retention "
        "grants the employer's `employed_through` date. A badge that fails a check is refused with a 400 "
        "naming the check, and nothing is stored.",
        detail=True,
        url_path="claim-completion",
        check=applicant_side_only,
        body=ClaimCompletionSerializer,
        multipart=True,
        created=True,
        idempotent=True,
        answer="present_claim",
        responses={201: ClaimSerializer, **ACTION_ERRORS},
    )
    def claim_completion(self, application: Application, data: dict[str, Any]) -> CompletionClaim:
        return services_awards.completion_claim(actor=actor(self.request), application=application, **data)

    def present_claim(self, claim: CompletionClaim) -> dict[str, Any]:
        return ClaimSerializer(_claim_for_output(claim.pk), context={"request": self.request}).data

    @service_action(
        summary="Verify the open completion claim",
        description="A manager of the program or a finance officer. A badge is checked again now. The "
        "award moves to completion_verified; outcome follow-ups are scheduled.",
        detail=True,
        url_path="verify-completion",
        check=may(can_verify_completion),
        body=CompletionNoteSerializer,
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    def verify_completion(self, application: Application, data: dict[str, Any]) -> Application:
        claim = services_awards.completion_verify(
            actor=actor(self.request), claim=_open_claim(application), **data
        )
        return claim.application

    @service_action(
        summary="Reject the open completion claim",
        description="A manager of the program or a finance officer, with a reason the applicant reads. "
        "The award returns to enrolled, so a better claim can be made.",
        detail=True,
        url_path="reject-completion",
        check=may(can_verify_completion),
        body=ReasonRequiredSerializer,
        responses={200: ApplicationStaffSerializer, **ACTION_ERRORS},
    )
    def reject_completion(self, application: Application, data: dict[str, Any]) -> Application:
        claim = services_awards.completion_reject(
            actor=actor(self.request), claim=_open_claim(application), **data
        )
        return claim.application

    @service_action(
        summary="Cancel an award before payment",
        description="The applicant side before claiming completion; a manager of the program until "
        "payment is made. The award's money returns to the budget.",
        detail=True,
        check=may(can_cancel_award),
        body=ReasonRequiredSerializer,
        responses={200: ApplicationSerializer, **ACTION_ERRORS},
    )
    def cancel(self, application: Application, data: dict[str, Any]) -> Application:
        return services_awards.award_cancel(actor=actor(self.request), application=application, **data)


def _open_claim(application: Application) -> CompletionClaim:
    claim = application.claims.filter(status=CompletionClaim.Status.SUBMITTED).first()
    if claim is None:
        raise Conflict(_("No completion claim is waiting for a decision on this award."))
    return claim


# ---------------------------------------------------------------- claims


def claims_visible_to(user: AnyUser) -> QuerySet[CompletionClaim]:
    """The applicant side's own claims; staff who may verify (managers of the program, finance
    officers); administrators. Reviewers do not see claims."""
    if not is_signed_in(user):
        return CompletionClaim.objects.none()
    if user.has_role(Role.ADMINISTRATOR) or user.has_role(Role.FINANCE_OFFICER):
        return CompletionClaim.objects.all()
    scopes = Q(application__applicant=user) | Q(application__filed_by=user)
    if user.has_role(Role.PROGRAM_MANAGER):
        scopes |= Q(application__program__managers=user)
    return CompletionClaim.objects.filter(scopes).distinct()


def _claim_rows(queryset: QuerySet[CompletionClaim]) -> QuerySet[CompletionClaim]:
    return queryset.select_related(
        "application__program",
        "certificate",
        "invoice",
        "proof_of_payment",
        "claimed_by",
        "decided_by",
    ).order_by("-submitted_at", "-id")


def _claim_for_output(pk: int) -> CompletionClaim:
    return _claim_rows(CompletionClaim.objects.filter(pk=pk)).get()


class ClaimFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=CompletionClaim.Status.choices)
    application = id_filter("application_id", maximum=2**62)
    program = django_filters.CharFilter(field_name="application__program__code", max_length=32)

    class Meta:
        model = CompletionClaim
        fields = ["status", "application", "program"]


class ClaimViewSet(JsonViewSet):
    """Completion claims: the applicant side sees its own; managers of the program, finance officers and
    administrators those they may verify or read. Decide a claim at /applications/{id}/verify-completion/."""

    serializer_class = ClaimSerializer
    filterset_class = ClaimFilter
    queryset = CompletionClaim.objects.none()
    lookup_value_regex = ID_REGEX

    def get_queryset(self) -> QuerySet[CompletionClaim]:
        return _claim_rows(claims_visible_to(self.request.user))

    @extend_schema(
        summary="List completion claims",
        description="Newest first. `badge_checks` (each check of an Open Badges credential) is shown "
        "to staff.",
        responses={200: ClaimSerializer(many=True), **LIST_ERRORS},
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(ClaimSerializer, context={"request": request})

    @extend_schema(summary="Read a completion claim", responses={200: ClaimSerializer, **READ_ERRORS})
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(ClaimSerializer(self.visible(pk), context={"request": request}).data)


# ---------------------------------------------------------------- outcomes


def outcomes_visible_to(user: AnyUser) -> QuerySet[Outcome]:
    if not is_signed_in(user):
        return Outcome.objects.none()
    if user.has_role(Role.ADMINISTRATOR):
        return Outcome.objects.all()
    scopes = Q(worker=user)
    if user.has_role(Role.PROGRAM_MANAGER):
        scopes |= Q(application__program__managers=user)
    return Outcome.objects.filter(scopes).distinct()


class OutcomeFilter(django_filters.FilterSet):
    application = id_filter("application_id", maximum=2**62)
    source = django_filters.ChoiceFilter(choices=Outcome.Source.choices)
    program = django_filters.CharFilter(field_name="application__program__code", max_length=32)

    class Meta:
        model = Outcome
        fields = ["application", "source", "program"]


OUTCOME_ROLES = (Role.WORKER, Role.PROGRAM_MANAGER, Role.ADMINISTRATOR)


class OutcomeViewSet(JsonViewSet):
    """What happened after training: employment and pay, with where the answer came from."""

    serializer_class = OutcomeSerializer
    filterset_class = OutcomeFilter
    queryset = Outcome.objects.none()
    lookup_value_regex = ID_REGEX

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require_role(request.user, has_any_role(request.user, OUTCOME_ROLES))

    def get_queryset(self) -> QuerySet[Outcome]:
        return (
            outcomes_visible_to(self.request.user)
            .select_related("application__program")
            .order_by("-observed_on", "-id")
        )

    @extend_schema(
        summary="List outcomes",
        description="Workers: their own. Program managers: those of their programs. Administrators: all.",
        responses={200: OutcomeSerializer(many=True), **error_answers(400, 401, 403, 404)},
    )
    def list(self, request: Request) -> Response:
        return self.filtered_page(OutcomeSerializer)

    @extend_schema(
        summary="Read an outcome", responses={200: OutcomeSerializer, **error_answers(401, 403, 404)}
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(OutcomeSerializer(self.visible(pk)).data)

    @service_action(
        summary="Report your outcome after training",
        description="The worker whose completion was verified, answering a follow-up question (`follow_up`) "
        "or on their own. Stored as self-reported; a correction is a new outcome.",
        check=user_may(lambda user: has_role(user, Role.WORKER)),
        body=OutcomeReportSerializer,
        with_request=True,
        created=True,
        idempotent=True,
        responses={201: OutcomeSerializer, **error_answers(400, 401, 403, 409)},
    )
    def create(self, _none: None, data: dict[str, Any]) -> Outcome:
        return services_outcomes.outcome_report(actor=actor(self.request), **data)

    @service_action(
        summary="Record a verified outcome",
        description="A manager of the program, after checking a record (wage records, the employer): a new "
        "outcome with the source `verified`; earlier answers stay as they were.",
        detail=False,
        check=user_may(lambda user: has_role(user, Role.PROGRAM_MANAGER)),
        body=OutcomeVerifiedSerializer,
        with_request=True,
        created=True,
        idempotent=True,
        responses={201: OutcomeSerializer, **error_answers(400, 401, 403, 409)},
    )
    def verified(self, _none: None, data: dict[str, Any]) -> Outcome:
        return services_outcomes.outcome_verify(actor=actor(self.request), **data)

    def present(self, outcome: Outcome) -> dict[str, Any]:
        return OutcomeSerializer(self.get_queryset().get(pk=outcome.pk)).data


def open_follow_ups_for(user: AnyUser, *, today: date) -> QuerySet[OutcomeFollowUp]:
    """The worker's unanswered outcome questions whose time has come."""
    return OutcomeFollowUp.objects.filter(
        application__applicant=user,
        application__status__in=services_outcomes.COMPLETED,
        answered_at__isnull=True,
        due_on__lte=today,
    )


class OutcomeFollowUpViewSet(JsonViewSet):
    """The worker's open questions about how things went after training; answer one at POST /outcomes/."""

    serializer_class = FollowUpSerializer
    queryset = OutcomeFollowUp.objects.none()
    filter_backends: list[Any] = []
    lookup_value_regex = ID_REGEX

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        require_role(request.user, has_role(request.user, Role.WORKER))

    def get_queryset(self) -> QuerySet[OutcomeFollowUp]:
        if not is_signed_in(self.request.user):
            return OutcomeFollowUp.objects.none()
        return (
            open_follow_ups_for(self.request.user, today=timezone.localdate())
            .select_related("application__credential")
            .order_by("due_on", "id")
        )

    @extend_schema(
        summary="List your open outcome questions",
        description="Workers: the unanswered follow-ups (2nd and 4th quarter after completion) now due.",
        responses={200: FollowUpSerializer(many=True), **error_answers(401, 403, 404)},
    )
    def list(self, request: Request) -> Response:
        return self.paginated(self.get_queryset(), FollowUpSerializer)

    @extend_schema(
        summary="Read one of your open outcome questions",
        responses={200: FollowUpSerializer, **error_answers(401, 403, 404)},
    )
    def retrieve(self, request: Request, pk: str) -> Response:
        return Response(FollowUpSerializer(self.visible(pk)).data)
