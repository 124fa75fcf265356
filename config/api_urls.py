from typing import Any

from django.urls import path, re_path
from drf_spectacular.utils import extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts.api import MeView, TokenView, UserViewSet
from employers.api import (
    EmployerInvitationViewSet,
    EmployerViewSet,
    JobRoleViewSet,
    PledgeViewSet,
    ProgressReportViewSet,
    RepresentativeViewSet,
)
from grants.api import ApplicationViewSet
from grants.applications.api import DemographicsView, WorkerProfileView
from grants.awards.api import (
    ClaimViewSet,
    OutcomeFollowUpViewSet,
    OutcomeViewSet,
)
from grants.matching.api import HireViewSet, MatchViewSet
from grants.payments.api import ClawbackViewSet, PaymentBatchViewSet, PaymentViewSet
from programs.api import (
    PROGRAM_CODE_REGEX,
    CredentialRequestViewSet,
    CredentialViewSet,
    ProgramCapViewSet,
    ProgramCredentialViewSet,
    ProgramCriterionViewSet,
    ProgramEligibilityRuleViewSet,
    ProgramRoundViewSet,
    ProgramViewSet,
    ProviderViewSet,
    SkillViewSet,
)
from programs.api_issuers import BadgeIssuerViewSet
from reporting.api import ReportEquityView, ReportOutcomesView, ReportSummaryView
from reporting.api_exports import ExportViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")
router.register("programs", ProgramViewSet, basename="program")
# A program's own records live under its code: /programs/TECHCRED-26/rounds/ and so on.
program_prefix = rf"programs/(?P<program_code>{PROGRAM_CODE_REGEX})"
router.register(f"{program_prefix}/rounds", ProgramRoundViewSet, basename="program-round")
router.register(f"{program_prefix}/caps", ProgramCapViewSet, basename="program-cap")
router.register(
    f"{program_prefix}/eligibility-rules", ProgramEligibilityRuleViewSet, basename="program-eligibility-rule"
)
router.register(f"{program_prefix}/criteria", ProgramCriterionViewSet, basename="program-criterion")
router.register(f"{program_prefix}/credentials", ProgramCredentialViewSet, basename="program-credential")
router.register("credentials", CredentialViewSet, basename="credential")
router.register("providers", ProviderViewSet, basename="provider")
router.register("skills", SkillViewSet, basename="skill")
router.register("credential-requests", CredentialRequestViewSet, basename="credential-request")
router.register("applications", ApplicationViewSet, basename="application")
router.register("claims", ClaimViewSet, basename="claim")
router.register("payments", PaymentViewSet, basename="payment")
router.register("payment-batches", PaymentBatchViewSet, basename="payment-batch")
router.register("clawbacks", ClawbackViewSet, basename="clawback")
router.register("outcomes", OutcomeViewSet, basename="outcome")
router.register("outcome-follow-ups", OutcomeFollowUpViewSet, basename="outcome-follow-up")
router.register(
    r"providers/(?P<provider_id>[0-9]{1,18})/badge-issuers", BadgeIssuerViewSet, basename="badge-issuer"
)
router.register("employers", EmployerViewSet, basename="employer")
router.register(
    r"employers/(?P<employer_id>[0-9]{1,18})/representatives",
    RepresentativeViewSet,
    basename="representative",
)
router.register("employer-invitations", EmployerInvitationViewSet, basename="employer-invitation")
router.register("pledges", PledgeViewSet, basename="pledge")
router.register(
    r"pledges/(?P<pledge_id>[0-9]{1,18})/reports", ProgressReportViewSet, basename="pledge-report"
)
router.register("job-roles", JobRoleViewSet, basename="job-role")
router.register("matches", MatchViewSet, basename="match")
router.register("hires", HireViewSet, basename="hire")
router.register("exports", ExportViewSet, basename="export")


class ApiRootView(APIView):
    """The SkillsFund API, version 1: where each resource lives."""

    @extend_schema(responses={200: dict})
    def get(self, request: Request) -> Response:
        def link(name: str) -> str:
            return reverse(name, request=request)

        return Response(
            {
                "auth_token": link("api:auth-token"),
                "me": link("api:me"),
                "users": link("api:user-list"),
                "programs": link("api:program-list"),
                "credentials": link("api:credential-list"),
                "providers": link("api:provider-list"),
                "skills": link("api:skill-list"),
                "credential_requests": link("api:credential-request-list"),
                "applications": link("api:application-list"),
                "claims": link("api:claim-list"),
                "payments": link("api:payment-list"),
                "payment_batches": link("api:payment-batch-list"),
                "clawbacks": link("api:clawback-list"),
                "outcomes": link("api:outcome-list"),
                "outcome_follow_ups": link("api:outcome-follow-up-list"),
                "employers": link("api:employer-list"),
                "pledges": link("api:pledge-list"),
                "job_roles": link("api:job-role-list"),
                "matches": link("api:match-list"),
                "hires": link("api:hire-list"),
                "exports": link("api:export-list"),
                "reports_summary": link("api:reports-summary"),
                "reports_equity": link("api:reports-equity"),
                "reports_outcomes": link("api:reports-outcomes"),
                "worker_profile": link("api:me-worker-profile"),
                "demographics": link("api:me-demographics"),
                "schema": link("api-schema"),
                "docs": link("api-docs"),
            }
        )


class UnknownPathView(APIView):
    """Any other path under /api/v1/: a 401 or a JSON 404 like every other API answer, rather than the
    site's HTML error page (which API clients, and the schema's promises, do not expect)."""

    schema = None  # not part of the documented API

    def http_method_not_allowed(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()

    def options(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()


app_name = "api"
urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    path("me/worker-profile/", WorkerProfileView.as_view(), name="me-worker-profile"),
    path("me/demographics/", DemographicsView.as_view(), name="me-demographics"),
    path("reports/summary/", ReportSummaryView.as_view(), name="reports-summary"),
    path("reports/equity/", ReportEquityView.as_view(), name="reports-equity"),
    path("reports/outcomes/", ReportOutcomesView.as_view(), name="reports-outcomes"),
    *router.urls,
    # Last: only what nothing else took. [\s\S], not ".", so a path with a newline in it is caught too.
    re_path(r"^[\s\S]*$", UnknownPathView.as_view(), name="unknown-path"),
]
