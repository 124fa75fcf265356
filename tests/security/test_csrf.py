"""Cross-site request forgery: every URL of the project, POSTed by a signed-in person's browser without
the CSRF token, is refused with 403 and changes nothing.

Exempt, by design: none of the pages. The API's views are csrf_exempt at Django's level (DRF's APIView),
but DRF's SessionAuthentication enforces CSRF for a session-signed-in caller (checked below with the
same 403), and a token in the Authorization header is never sent by a browser on its own, so a forged
cross-site request carries no credentials. `api:auth-token` exchanges a password for a token: a forged
request would need the password."""

import pytest
from django.test import Client
from django.urls import resolve

from accounts.roles import Role
from tests.accounts.factories import user_with_role
from tests.security.urls import PAGE_AND_API_URLS, snapshot, url_of
from tests.security.world import World

# Views that answer a POST without a CSRF token, and why. Keep empty for pages.
CSRF_EXEMPT_BY_DESIGN = {
    "api:auth-token": "exchanges a password for a token; a forger has no password",
}


@pytest.fixture
def everyone(world: World, db):  # type: ignore[no-untyped-def]
    """A person with every role who is also the party of the world's own side: if any view let a POST
    without a token through, it would act."""
    user = user_with_role(Role.ADMINISTRATOR)
    user.groups.add(*world.admin.groups.model.objects.all())
    user.__dict__.pop("role_names", None)
    return user


def test_no_page_view_is_csrf_exempt() -> None:
    exempt = []
    for name, url in PAGE_AND_API_URLS:
        if url.startswith("/api/"):
            continue
        if getattr(resolve(url).func, "csrf_exempt", False):
            exempt.append(name)
    assert exempt == []


ADMIN = [(name, url) for name, url in PAGE_AND_API_URLS if url.startswith("/admin/")]
OTHERS = [(name, url) for name, url in PAGE_AND_API_URLS if not url.startswith("/admin/")]


@pytest.mark.parametrize(("name", "sample"), OTHERS, ids=[name for name, _ in OTHERS])
def test_post_without_csrf_token_is_refused(world: World, everyone, name: str, sample: str) -> None:  # type: ignore[no-untyped-def]
    url = url_of(name, world.mine, sample)
    client = Client(enforce_csrf_checks=True)
    client.force_login(everyone)
    before = snapshot()
    response = client.post(url, {"reason": "forged", "body": "forged", "status": "active"})
    after = snapshot()
    assert after == before, f"{name} {url}: a POST without a CSRF token changed data"
    if name in CSRF_EXEMPT_BY_DESIGN:
        return
    assert response.status_code == 403, f"{name} {url} answered {response.status_code}"


def test_post_without_csrf_token_to_the_admin_is_refused(world: World, everyone) -> None:  # type: ignore[no-untyped-def]
    """The admin's ~200 URLs in one test (one snapshot) to keep the run short."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(everyone)
    before = snapshot()
    answers = {
        url: client.post(url, {"action": "delete_selected", "_selected_action": "1"}).status_code
        for _n, url in ADMIN
    }
    assert snapshot() == before
    assert {url: status for url, status in answers.items() if status != 403} == {}


def test_the_same_post_with_the_token_is_not_refused_for_csrf(world: World, everyone) -> None:  # type: ignore[no-untyped-def]
    """Control: the 403s above are the CSRF check, not something else refusing every POST."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(everyone)
    client.get("/notices/")
    token = client.cookies["csrftoken"].value
    response = client.post("/notices/read/", {"csrfmiddlewaretoken": token})
    assert response.status_code != 403


def test_anonymous_post_to_sign_in_without_token_is_refused(world: World, db) -> None:  # type: ignore[no-untyped-def]
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/sign-in/", {"username": world.mine.worker.email, "password": "x"})
    assert response.status_code == 403
