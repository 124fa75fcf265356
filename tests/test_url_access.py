"""Access is denied by default: every URL of the project refuses an anonymous caller unless it is on the
public list below. Adding a URL without deciding its access fails here."""

import re
import uuid
from collections.abc import Iterator

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

# Named URLs anyone may open. Each entry is a decision: keep this list short and deliberate.
PUBLIC_URL_NAMES = {
    "home",
    "health",
    "accounts:login",
    "accounts:signup",
    "accounts:signup_done",
    "accounts:verify_email",
    "accounts:resend_verification",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "api:auth-token",  # POST only: exchanges a password for a token
    "api-schema",
    "api-docs",
    "admin:login",  # redirects to the app's sign-in page
    "admin:logout",
    "favicon",
    "programs:program_list",  # the public list of open programs
    "programs:program_detail",
    "programs:catalog",  # the public credential catalog
    "programs:credential_detail",
    "employers:public_pledge_list",  # active and fulfilled pledges of verified employers
    "employers:public_pledge_detail",
    "reports:open_data_json",  # 360Giving open data, anonymised and suppressed (reporting.opendata)
    "reports:open_data_csv",
    # An employee named by their employer opens this from the invitation mail, before they have a
    # password; the signed, expiring token is the key, and nothing is shown without it.
    "grants:employee_link",
}

SAMPLES = {"int": "1", "str": "sample", "slug": "sample", "uuid": str(uuid.UUID(int=1)), "path": "sample/x"}


def _sample_route(pattern: RoutePattern) -> str:
    route = str(pattern._route)

    def replace(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        return SAMPLES.get(converter, "1")

    return re.sub(r"<(?:(\w+):)?\w+>", replace, route)


def _sample_regex(pattern: RegexPattern) -> str:
    regex = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def replace(match: re.Match[str]) -> str:
        body = match.group(1)
        if re.fullmatch(r"[\w|]+", body):
            return body.split("|")[0]
        return "1"

    sample = re.sub(r"\(\?P<\w+>((?:[^()]|\([^()]*\))*)\)", replace, regex)
    return sample.replace("\\", "")


def _sample(pattern: RoutePattern | RegexPattern) -> str:
    return _sample_route(pattern) if isinstance(pattern, RoutePattern) else _sample_regex(pattern)


def walk(patterns: list, prefix: str = "/", namespace: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, prefix + _sample(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {prefix}{entry.pattern}>"
            yield name, prefix + _sample(entry.pattern)


ALL_URLS = sorted(set(walk(get_resolver().url_patterns)))


def test_the_walk_finds_the_project_urls() -> None:
    names = {name for name, _url in ALL_URLS}
    assert {"home", "accounts:profile", "api:user-list", "admin:index"} <= names
    assert len(ALL_URLS) > 40


def test_every_public_name_exists() -> None:
    names = {name for name, _url in ALL_URLS}
    assert PUBLIC_URL_NAMES - names == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), ALL_URLS, ids=[name for name, _url in ALL_URLS])
def test_anonymous_access_is_refused_unless_public(client, name: str, url: str) -> None:
    response = client.get(url)
    assert response.status_code != 500, url
    if name in PUBLIC_URL_NAMES or name.startswith("<unnamed /static/"):
        return
    if url.startswith("/api/"):
        assert response.status_code in (401, 403), f"{name} {url} answered {response.status_code}"
        return
    assert response.status_code == 302, f"{name} {url} answered {response.status_code} to an anonymous caller"
    location = response["Location"]
    for _hop in range(3):  # the admin sends people to its login, which sends them to ours
        if location.startswith("/accounts/sign-in/"):
            break
        follow = client.get(location)
        assert follow.status_code == 302, f"{name} {url} -> {location} answered {follow.status_code}"
        location = follow["Location"]
    assert location.startswith("/accounts/sign-in/"), f"{name} {url} -> {location}"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/", "/health/", "/accounts/sign-in/", "/accounts/sign-up/", "/accounts/password/reset/", "/api/docs/"],
)
def test_public_pages_open_to_anyone(client, url: str) -> None:
    assert client.get(url).status_code == 200
