from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts.api import MeView, TokenView, UserViewSet

router = SimpleRouter()
router.register("users", UserViewSet, basename="user")


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
                "schema": link("api-schema"),
                "docs": link("api-docs"),
            }
        )


app_name = "api"
urlpatterns = [
    path("", ApiRootView.as_view(), name="root"),
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("me/", MeView.as_view(), name="me"),
    *router.urls,
]
