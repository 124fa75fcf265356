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
from grants.api import ApplicationViewSet, DemographicsView, WorkerProfileView
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
    *router.urls,
    # Last: only what nothing else took. [\s\S], not ".", so a path with a newline in it is caught too.
    re_path(r"^[\s\S]*$", UnknownPathView.as_view(), name="unknown-path"),
]
