"""Control characters in everything a request carries: NUL (PostgreSQL cannot hold it in text), the other
C0 controls, DEL, C1 controls and lone UTF-16 surrogates (core.control_characters). Every route of the
project is walked with one in each input that could reach the database, on both databases:

- path: each parameter of every URL pattern (the last segment when it has none), as the party who owns
  the record (read and write) and anonymously: 404 with the reason;
- query: every parameter the API's schema documents, every field of the pages' GET forms, and generic
  ones, on every URL: 400 naming the parameter;
- bodies: every property of every API write in the schema, at any depth (free-form objects and arrays
  too), in each encoding the schema offers, and every field of every form the pages show, POSTed to its
  own action with the page's values in the others: 400 naming the field. Upload names are the exception
  the walk proves instead: Django drops non-printable characters from them before anything reads them;
- headers: Authorization, Cookie (also quoted, whose \\ooo escapes the cookie parser decodes),
  Idempotency-Key and any other header, on every route: 400 naming the header;
- text decoded after the door: a cursor's base64 JSON, JSON typed into a form field.

NUL goes into every input; the other classes into the first input of each route (in a page's query, two
in turn along the routes; the admin's ~170 routes, one site behind the same door, get NUL only), so
each class meets every kind of input. Nothing a refused request touches
changes (`state`: every table's rows, every status). The walks are driven by the URL patterns, the
OpenAPI schema and the pages' own HTML, so a new route, parameter, field or form is walked without
editing this file; the `test_the_*_walk_*` tests keep the drivers honest."""

import base64
import json
import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urljoin, urlsplit

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.test.utils import override_settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RegexPattern, RoutePattern
from django.utils.deprecation import RemovedInDjango60Warning
from drf_spectacular.generators import SchemaGenerator
from rest_framework.authtoken.models import Token

from accounts.models import User
from accounts.roles import Role
from core.control_characters import MESSAGE, has_control_character
from grants.models import Application, CompletionClaim
from tests.security.conftest import FAST
from tests.security.urls import OWNED, PAGE_AND_API_URLS, SHARED, snapshot
from tests.security.world import Side, World
from tests.test_url_access import SAMPLES

# Every test here is a database test, so pytest-django runs none of them after a transactional test has
# emptied the database under the module's world.
pytestmark = pytest.mark.django_db

REFUSAL = str(MESSAGE)
PATH_REFUSAL = "No such address: it contains a control character."

# Percent-encoded, as they travel in an address or a query string.
NUL = "%00"
OTHER_CONTROLS = {"SOH": "%01", "TAB": "%09", "LF": "%0A", "US": "%1F", "DEL": "%7F", "NEL (C1)": "%C2%85"}
# As JSON string escapes in a raw body, so that a lone surrogate can be sent at all.
JSON_CONTROLS = {
    "NUL": "\\u0000",
    "SOH": "\\u0001",
    "US": "\\u001f",
    "DEL": "\\u007f",
    "NEL (C1)": "\\u0085",
    "lone surrogate": "\\ud800",
}
# In form text, where line breaks and tabs are text; a surrogate cannot be encoded into a form body.
FORM_CONTROLS = {"NUL": "\x00", "SOH": "\x01", "US": "\x1f", "DEL": "\x7f", "NEL (C1)": "\x85"}


# ---------------------------------------------------------------- the routes, with their parameters


Piece = str | tuple[str, str]  # literal text, or a parameter: (its name, the sample value)


def _route_pieces(pattern: RoutePattern | RegexPattern) -> list[Piece]:
    """A pattern as literal text and parameters, sampled exactly as tests/test_url_access samples it."""
    pieces: list[Piece] = []
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)
        position = 0
        for match in re.finditer(r"<(?:(\w+):)?(\w+)>", route):
            pieces += [
                route[position : match.start()],
                (match.group(2), SAMPLES.get(match.group(1) or "str", "1")),
            ]
            position = match.end()
        return [*pieces, route[position:]]
    regex = pattern._regex.lstrip("^").rstrip("$").replace("\\Z", "")
    position = 0
    for match in re.finditer(r"\(\?P<(\w+)>((?:[^()]|\([^()]*\))*)\)", regex):
        body = match.group(2)
        sample = body.split("|")[0] if re.fullmatch(r"[\w|]+", body) else "1"
        pieces += [regex[position : match.start()].replace("\\", ""), (match.group(1), sample)]
        position = match.end()
    return [*pieces, regex[position:].replace("\\", "")]


def _text(pieces: list[Piece]) -> str:
    return "".join(piece if isinstance(piece, str) else piece[1] for piece in pieces)


def _walk(patterns: list[Any], prefix: list[Piece], namespace: str) -> Iterator[tuple[str, list[Piece]]]:
    for entry in patterns:
        pieces = prefix + _route_pieces(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, pieces, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}{entry.name}" if entry.name else f"<unnamed {_text(prefix)}{entry.pattern}>"
            yield name, pieces


_TEMPLATES = {(name, _text(pieces)): pieces for name, pieces in _walk(get_resolver().url_patterns, ["/"], "")}


@dataclass(frozen=True)
class Route:
    name: str
    sample: str
    pieces: tuple[Piece, ...]

    @property
    def is_api(self) -> bool:
        return self.sample.startswith("/api/")

    @property
    def parameters(self) -> list[str]:
        return [piece[0] for piece in self.pieces if not isinstance(piece, str)]


ROUTES = [Route(name, url, tuple(_TEMPLATES.get((name, url), ()))) for name, url in PAGE_AND_API_URLS]
ROUTE_IDS = [route.name for route in ROUTES]
PAGE_ROUTES = [route for route in ROUTES if not route.is_api]


# ---------------------------------------------------------------- real ids for the routes


def _batch(side: Side) -> int:
    side.payment.refresh_from_db()
    return side.payment.batch_id  # type: ignore[attr-defined,no-any-return]


def _first(label: str, **lookup: Any) -> Any:
    return apps.get_model(label).objects.filter(**lookup).order_by("pk").values_list("pk", flat=True)[0]


# Routes the security tables leave to their samples (tests/security/urls.py OWNED and SHARED), filled
# with the world's records where it has one, so the walk reaches views that find the record.
EXTRA: dict[str, Callable[[Side], dict[str, Any]]] = {
    "api:payment-detail": lambda s: {"pk": s.payment.pk},
    "api:payment-retry": lambda s: {"pk": s.payment.pk},
    "api:payment-batch-detail": lambda s: {"pk": _batch(s)},
    "api:payment-batch-discard": lambda s: {"pk": _batch(s)},
    "api:payment-batch-export": lambda s: {"pk": _batch(s)},
    "api:payment-batch-reconcile": lambda s: {"pk": _batch(s)},
    "api:payment-batch-send": lambda s: {"pk": _batch(s)},
    "api:employer-verify": lambda s: {"pk": s.employer.pk},
    "api:employer-suspend": lambda s: {"pk": s.employer.pk},
    "api:employer-reinstate": lambda s: {"pk": s.employer.pk},
    "api:pledge-activate": lambda s: {"pk": s.pledge.pk},
    "api:pledge-fulfil": lambda s: {"pk": s.pledge.pk},
    "api:pledge-return": lambda s: {"pk": s.pledge.pk},
    "api:pledge-report-return": lambda s: {"pledge_id": s.pledge.pk, "pk": s.report.pk},
    "api:pledge-report-verify": lambda s: {"pledge_id": s.pledge.pk, "pk": s.report.pk},
    "api:user-detail": lambda s: {"pk": s.worker.pk},
    "api:user-grant-role": lambda s: {"pk": s.worker.pk},
    "api:user-revoke-role": lambda s: {"pk": s.worker.pk},
    "api:user-role-changes": lambda s: {"pk": s.worker.pk},
    "api:credential-detail": lambda s: {"pk": s.credential.pk},
    "api:provider-detail": lambda s: {"pk": s.credential.provider_id},
    "api:badge-issuer-list": lambda s: {"provider_id": s.credential.provider_id},
    "api:program-detail": lambda s: {"code": s.program.code},
    "api:program-eligibility-check": lambda s: {"code": s.program.code},
    "api:program-round-detail": lambda s: {"program_code": s.program.code, "pk": s.draft.funding_round_id},
    "api:program-credential-detail": lambda s: {"program_code": s.program.code, "pk": s.credential.pk},
    "api:representative-remove": lambda s: {
        "employer_id": s.employer.pk,
        "pk": _first("employers.Representative", employer=s.employer),
    },
    "api:skill-detail": lambda s: {"pk": _first("programs.Skill")},
    "employers:representative_remove": lambda s: {
        "pk": s.employer.pk,
        "representative_pk": _first("employers.Representative", employer=s.employer),
    },
}
# The admin's change, delete and history pages of every registered model, at its first row.
for _model in admin.site._registry:
    for _view in ("change", "delete", "history"):
        EXTRA[f"admin:{_model._meta.app_label}_{_model._meta.model_name}_{_view}"] = lambda s, model=_model: {
            "object_id": model._default_manager.order_by("pk").values_list("pk", flat=True)[0]
        }


def _kwargs(route: Route, side: Side) -> dict[str, str]:
    """The route's parameters filled from `side`'s records where the tables know how, else {}."""
    fill = OWNED[route.name][1] if route.name in OWNED else SHARED.get(route.name) or EXTRA.get(route.name)
    if fill is None:
        return {}
    try:
        kwargs = fill(side)
        reverse(route.name, kwargs=kwargs)
    except (NoReverseMatch, IndexError, KeyError):
        return {}
    return {key: str(value) for key, value in kwargs.items()}


def _quote(value: str) -> str:
    return quote(value, safe="/:@!$&'()*+,;=-._~")


def _url(route: Route, kwargs: dict[str, str], *, inject: tuple[str, str] | None = None) -> str:
    """The route's URL with real values where known; `inject` = (parameter, percent-encoded text to put
    after its value), or (parameter, "=" + text) to replace the value."""
    parts = []
    for piece in route.pieces:
        if isinstance(piece, str):
            parts.append(piece)
            continue
        name, sample = piece
        value = _quote(kwargs.get(name, sample))
        if inject is not None and inject[0] == name:
            value = inject[1][1:] if inject[1].startswith("=") else value + inject[1]
        parts.append(value)
    return "".join(parts)


def _with_control_in_address(url: str, text: str) -> str:
    """A control character in the last segment of an address that has no parameters."""
    path, slash = (url[:-1], "/") if url.endswith("/") and url != "/" else (url, "")
    return f"{path}{text}{slash}" if path != "/" else f"/{text}/"


# ---------------------------------------------------------------- who asks, and what changed


def _people(world: World) -> list[User]:
    """Everyone who might see a page or own a record, staff first (the order pages are tried in)."""
    people = [
        world.admin,
        world.mine.manager,
        world.finance,
        world.official,
        world.mine.representative,
        world.mine.reviewer,
        world.mine.worker,
        world.mine.in_review.applicant,
        world.mine.paid.applicant,
        world.enrolled.applicant,
    ]
    return list({person.pk: person for person in people}.values())


@dataclass
class Clients:
    """A signed-in browser and an API client with a token for each person, made once per module: a
    sign-in inside a test would be rolled back with the test's savepoint."""

    pages: dict[int, Client]
    api: dict[int, Client]

    def of(self, user: User | None, *, api: bool) -> Client:
        if user is None:
            return Client()
        return (self.api if api else self.pages)[user.pk]


def _module_settings() -> Any:
    """What tests/conftest.py's autouse fixture sets for each test, for the module-scoped fixtures."""
    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    return override_settings(**FAST, STORAGES={**settings.STORAGES, "staticfiles": static})


@pytest.fixture(scope="module")
def clients(world: World, django_db_blocker) -> Clients:  # type: ignore[no-untyped-def]
    with django_db_blocker.unblock(), _module_settings():
        pages, api = {}, {}
        for person in _people(world):
            pages[person.pk] = Client()
            pages[person.pk].force_login(person)
            token, _created = Token.objects.get_or_create(user=person)
            api[person.pk] = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
        return Clients(pages, api)


def _owner(world: World, route: Route) -> User:
    """The party whose record the route's ids point at (tests/security/urls.py OWNED); an administrator
    for the rest, who may see every staff-wide record."""
    if route.name not in OWNED:
        return world.admin
    role, fill = OWNED[route.name]
    if role != Role.WORKER:
        return world.user_for(role)
    pk = fill(world.mine)["pk"]
    if route.name == "api:claim-detail":
        return CompletionClaim.objects.get(pk=pk).application.applicant
    return Application.objects.get(pk=pk).applicant


STATUS_TABLES = ("grants.Application", "employers.Pledge", "employers.Employer", "grants.Payment")


def state() -> dict[str, Any]:
    """What a refused request must leave as it was, in one query: the row count of every table, and how
    many applications, pledges, employers and payments are in each status (tests/security/urls.snapshot
    reads the main tables only, in 27 queries; the walk takes a state before and after ~900 tests)."""
    models = [model for model in apps.get_models() if model._meta.managed and not model._meta.proxy]
    # Table names come from the models, quoted; the statuses are parameters.
    table = {model: connection.ops.quote_name(model._meta.db_table) for model in models}
    labels = [model._meta.label for model in models]
    selects = [f"(SELECT COUNT(*) FROM {table[model]})" for model in models]  # noqa: S608
    params: list[str] = []
    for label in STATUS_TABLES:
        model = apps.get_model(label)
        for status, _name in model._meta.get_field("status").choices:
            labels.append(f"{label}.status={status}")
            selects.append(f"(SELECT COUNT(*) FROM {table[model]} WHERE status = %s)")  # noqa: S608
            params.append(status)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(selects), params)
        return dict(zip(labels, cursor.fetchone(), strict=True))


def test_state_counts_every_table_and_sees_a_status_change(world: World, db) -> None:  # type: ignore[no-untyped-def]
    before = state()
    assert set(snapshot()) - {f"{label}.status" for label in STATUS_TABLES} <= set(before)
    assert len(before) > 80
    Application.objects.filter(pk=world.mine.draft.pk).update(status=Application.Status.WITHDRAWN)
    assert state() != before


# ---------------------------------------------------------------- the API's schema


SCHEMA: dict[str, Any] = SchemaGenerator().get_schema(request=None, public=True)
COMPONENTS = SCHEMA["components"]["schemas"]
_API_ROUTES = {
    "".join(piece if isinstance(piece, str) else "{}" for piece in route.pieces): route
    for route in ROUTES
    if route.is_api
}


def _route_of(path: str) -> Route | None:
    return _API_ROUTES.get(re.sub(r"\{[^}]+\}", "{}", path))


def _deref(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        node = COMPONENTS[node["$ref"].rsplit("/", 1)[-1]]
    return node


Path = tuple[str | int, ...]


def _inputs(node: dict[str, Any], path: Path = (), depth: int = 0) -> Iterator[tuple[Path, str]]:
    """Every place in a request body where a client can put a string: each property at any depth (its
    type aside: a client may send text for a number), array items, and the inside of free-form objects.
    Yields (path, kind) with kind "file" for binary properties."""
    node = _deref(node)
    if depth > 8:
        return
    alternatives = [*node.get("allOf", []), *node.get("oneOf", []), *node.get("anyOf", [])]
    for alternative in alternatives:
        yield from _inputs(alternative, path, depth + 1)
    if node.get("type") == "array":
        yield from _inputs(node.get("items", {}), (*path, 0), depth + 1)
    elif node.get("type") == "object" or "properties" in node:
        properties = node.get("properties", {})
        for name, child in properties.items():
            yield from _inputs(child, (*path, name), depth + 1)
        if not properties and path:
            yield (*path, "key"), "text"  # free-form: a value under a key of the client's choosing
    elif path and not alternatives:
        yield path, "file" if node.get("format") == "binary" else "text"


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    content_type: str
    inputs: tuple[tuple[Path, str], ...]
    route: Route | None

    @property
    def label(self) -> str:
        return f"{self.method.upper()} {self.path} {self.content_type}"


def _operations() -> list[Operation]:
    operations = []
    for path, methods in SCHEMA["paths"].items():
        for method, operation in methods.items():
            if method not in ("post", "put", "patch", "delete"):
                continue
            content = operation.get("requestBody", {}).get("content", {}) or {
                "application/json": {"schema": {}}
            }
            for content_type, body in content.items():
                inputs = tuple(dict.fromkeys(_inputs(body.get("schema", {}))))
                operations.append(Operation(method, path, content_type, inputs, _route_of(path)))
    return operations


OPERATIONS = _operations()


def _query_parameters(route: Route) -> list[str]:
    names: list[str] = []
    for path, methods in SCHEMA["paths"].items():
        if _route_of(path) == route:
            for operation in methods.values():
                if isinstance(operation, dict):
                    names += [p["name"] for p in operation.get("parameters", []) if p.get("in") == "query"]
    return list(dict.fromkeys(names))


def test_the_walk_finds_every_api_operation() -> None:
    """Each write in the schema is matched to its URL pattern and has its body's places found."""
    assert [operation.label for operation in OPERATIONS if operation.route is None] == []
    assert len(OPERATIONS) > 80
    places = sum(len(operation.inputs) for operation in OPERATIONS)
    assert places > 250
    assert sum(kind == "file" for operation in OPERATIONS for _path, kind in operation.inputs) >= 6
    nested = {
        operation.label for operation in OPERATIONS for path, _kind in operation.inputs if len(path) > 1
    }
    assert {"POST /api/v1/exports/ application/json", "POST /api/v1/credentials/ application/json"} <= nested
    free_form = {
        operation.label for operation in OPERATIONS for path, _kind in operation.inputs if path[-1] == "key"
    }
    assert "POST /api/v1/programs/{program_code}/eligibility-rules/ application/json" in free_form


# ---------------------------------------------------------------- what a refusal looks like


def _answer(response: HttpResponse) -> str:
    content = b"(streamed)" if response.streaming else response.content[:300]
    return f"{response.status_code} {content!r}"


def _refused_address(response: HttpResponse, *, api: bool) -> str | None:
    """None when the answer is the 404 for an address with a control character; else what was wrong."""
    if response.status_code != 404:
        return f"answered {_answer(response)}"
    if api:
        return None if response.json() == {"detail": PATH_REFUSAL} else f"answered {_answer(response)}"
    return (
        None if PATH_REFUSAL in response.content.decode() else f"404 without the reason: {_answer(response)}"
    )


def _refused_input(response: HttpResponse, where: str, *, api: bool) -> str | None:
    """None when the answer is a 400 naming `where` (the API) or showing the message (pages)."""
    if response.status_code != 400:
        return f"answered {_answer(response)}"
    if api:
        return (
            None
            if response.json() == {where: [REFUSAL]}
            else f"400 naming something else: {_answer(response)}"
        )
    return None if REFUSAL in response.content.decode() else f"400 without the message: {_answer(response)}"


# ---------------------------------------------------------------- the walk's drivers, checked


def test_the_walk_rebuilds_every_url_pattern(world: World, db) -> None:  # type: ignore[no-untyped-def]
    """Each route's pieces give back its sample URL, and with real ids the URL Django reverses; so each
    injection lands in the parameter it names."""
    assert [route.name for route in ROUTES if not route.pieces] == []
    assert [route.name for route in ROUTES if _text(list(route.pieces)) != route.sample] == []
    filled = 0
    for route in ROUTES:
        kwargs = _kwargs(route, world.mine)
        if kwargs:
            filled += 1
            assert _url(route, kwargs) == reverse(route.name, kwargs=kwargs), route.name
    assert len(ROUTES) > 400
    assert sum(bool(route.parameters) for route in ROUTES) > 200
    assert filled > 150


# ---------------------------------------------------------------- 1. path parameters


def _is_admin(route: Route) -> bool:
    return route.name.startswith(("admin:", "<unnamed /admin"))


def _address_variants(route: Route, kwargs: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(what was injected where, the URL): NUL after each parameter's value and as its whole value, and
    each other control character after the first parameter's value (NUL only in the admin's ~170
    routes); for an address without parameters, the same in its last segment."""
    others = {} if _is_admin(route) else OTHER_CONTROLS
    if not route.parameters:
        for label, text in {"NUL": NUL, **others}.items():
            yield f"{label} in the address", _with_control_in_address(_url(route, kwargs), text)
        return
    for index, name in enumerate(route.parameters):
        yield f"NUL after {name}", _url(route, kwargs, inject=(name, NUL))
        yield f"NUL as {name}", _url(route, kwargs, inject=(name, "=" + NUL))
        if index == 0:
            for label, text in others.items():
                yield f"{label} after {name}", _url(route, kwargs, inject=(name, text))


# ---------------------------------------------------------------- the pages' own forms


class _Forms(HTMLParser):
    """The <form>s of a page: method, action, encoding, and each named input, select, textarea and
    button with the value the browser would send by default."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {
                "method": attributes.get("method", "get").lower(),
                "action": attributes.get("action", ""),
                "enctype": attributes.get("enctype", "application/x-www-form-urlencoded"),
                "fields": {},  # name -> (kind, default or None when a browser sends nothing)
            }
            self.forms.append(self._form)
            return
        if self._form is None or not attributes.get("name"):
            return
        name, fields = attributes["name"], self._form["fields"]
        if tag == "input":
            kind = attributes.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                chosen = attributes.get("value", "on") if "checked" in attributes else None
                fields[name] = (kind, chosen if chosen is not None else fields.get(name, (kind, None))[1])
            else:
                fields[name] = (
                    kind,
                    None if kind in ("submit", "button", "image", "file") else attributes.get("value", ""),
                )
        elif tag == "button":
            fields[name] = ("button", None)
        elif tag == "textarea":
            fields[name] = ("textarea", "")
            self._textarea = name
        elif tag == "select":
            fields[name] = ("select", None)
            self._select = name
        elif tag == "option" and self._select is not None:
            kind, chosen = fields[self._select]
            if chosen is None or "selected" in attributes:
                fields[self._select] = (kind, attributes.get("value", ""))

    def handle_data(self, data: str) -> None:
        if self._form is not None and self._textarea is not None:
            kind, text = self._form["fields"][self._textarea]
            self._form["fields"][self._textarea] = (kind, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


@dataclass(frozen=True)
class Form:
    page: str  # the route of the first page it was found on
    user: User | None  # who saw it (None: anonymous)
    action: str
    multipart: bool
    fields: tuple[tuple[str, str, str | None], ...]  # (name, kind, default)

    def defaults(self) -> dict[str, str]:
        return {name: default for name, _kind, default in self.fields if default is not None}


@dataclass
class Pages:
    """What the page walk found: who could open each page, the names of its GET forms, and each POST
    form (once, under the first page that shows it)."""

    user_of: dict[str, User | None] = field(default_factory=dict)

    def user(self, world: World, route: Route) -> User | None:
        return self.user_of[route.name] if route.name in self.user_of else _owner(world, route)

    query_names: dict[str, list[str]] = field(default_factory=dict)
    forms: dict[str, list[Form]] = field(default_factory=dict)


def _opens(route: Route) -> bool:
    """Pages worth opening for their forms: every HTML page of the app, the admin's lists and forms."""
    if route.name.startswith("<unnamed") or route.sample.endswith((".pdf", ".csv", ".json", ".ico")):
        return False
    return not route.name.startswith("admin:") or route.name.endswith(("_changelist", "_add", "_change"))


def _who_may_open(world: World, route: Route) -> list[User | None]:
    if route.name in OWNED:
        return [_owner(world, route)]
    if route.name.startswith("admin:"):
        return [world.admin]
    return [*_people(world), None]  # the sign-in and sign-up pages show their forms to the anonymous


def _open(clients: Clients, route: Route, url: str, people: list[User | None]) -> tuple[Any, str] | None:
    """(who, the page) for the first person the page opens to; None when it opens to nobody."""
    for person in people:
        response = clients.of(person, api=False).get(url)
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            return person, response.content.decode()
        if response.status_code in (400, 405):  # no GET here, whoever asks
            return None
    return None


def _staff_views(world: World) -> list[tuple[User, str]]:
    """Pages whose forms depend on who looks: the staff's side of an application, an employer, a
    pledge, a report, a payment (the walk opens each route as one person; these add the others)."""
    side = world.mine
    side.payment.refresh_from_db()
    batch = side.payment.batch_id  # type: ignore[attr-defined]
    return [
        (side.manager, reverse("grants:application_detail", args=[side.submitted.pk])),
        (side.manager, reverse("grants:application_detail", args=[side.in_review.pk])),
        (side.manager, reverse("grants:application_detail", args=[side.paid.pk])),
        (side.manager, reverse("grants:application_detail", args=[world.enrolled.pk])),
        (side.reviewer, reverse("grants:application_detail", args=[side.in_review.pk])),
        (side.in_review.applicant, reverse("grants:application_detail", args=[side.in_review.pk])),
        (side.paid.applicant, reverse("grants:application_detail", args=[side.paid.pk])),
        (world.enrolled.applicant, reverse("grants:application_detail", args=[world.enrolled.pk])),
        (world.finance, reverse("grants:application_detail", args=[side.paid.pk])),
        (world.finance, reverse("grants:payment_detail", args=[side.payment.pk])),
        (world.finance, reverse("grants:batch_detail", args=[batch])),
        (world.admin, reverse("employers:employer_detail", args=[side.employer.pk])),
        (world.admin, reverse("employers:pledge_detail", args=[side.pledge.pk])),
        (side.manager, reverse("employers:report_detail", args=[side.report.pk])),
        (world.admin, reverse("accounts:user_detail", args=[side.worker.pk])),
    ]


def _collect(found: Pages, seen: set[Any], page: str, person: User | None, url: str, html: str) -> None:
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if form["method"] == "get":
            found.query_names.setdefault(page, []).extend(form["fields"])
            continue
        action = urlsplit(urljoin(url, form["action"] or url))
        key = (action.path, tuple(sorted(form["fields"])))
        if key in seen:
            continue
        seen.add(key)
        target = action.path + (f"?{action.query}" if action.query else "")
        fields = tuple((name, kind, default) for name, (kind, default) in form["fields"].items())
        multipart = form["enctype"] == "multipart/form-data"
        found.forms.setdefault(page, []).append(Form(page, person, target, multipart, fields))


@pytest.fixture(scope="module")
def pages(world: World, clients: Clients, django_db_blocker) -> Pages:  # type: ignore[no-untyped-def]
    """Every page opened once, by the first person it opens to, and its forms collected."""
    found = Pages()
    seen: set[tuple[str, tuple[str, ...]]] = set()
    with django_db_blocker.unblock(), _module_settings(), warnings.catch_warnings():
        # The admin's forms for URL fields announce Django 6.0's https default; not this test's concern.
        warnings.filterwarnings("ignore", category=RemovedInDjango60Warning)
        for route in PAGE_ROUTES:
            if not _opens(route):
                continue
            url = _url(route, _kwargs(route, world.mine))
            opened = _open(clients, route, url, _who_may_open(world, route))
            if opened is not None:
                found.user_of[route.name] = opened[0]
                _collect(found, seen, route.name, opened[0], url, opened[1])
        for person, url in _staff_views(world):
            response = clients.of(person, api=False).get(url)
            assert response.status_code == 200, f"{url} as {person}: {response.status_code}"
            _collect(found, seen, resolve(url).view_name, person, url, response.content.decode())
    return found


def test_the_page_walk_finds_the_pages_forms(world: World, pages: Pages) -> None:
    """The forms walk reaches the pages people fill in (a page that stopped answering its owner would
    silently drop out of the walk otherwise)."""
    assert len(pages.user_of) > 100
    actions = {form.action.split("?")[0] for forms in pages.forms.values() for form in forms}
    assert len(actions) > 60
    assert {
        "/accounts/sign-out/",
        "/accounts/profile/",
        "/me/profile/",
        "/employers/register/",
        "/programs/new/",
        "/catalog/requests/new/",
        "/admin/programs/trainingprovider/add/",
        f"/review/applications/{world.mine.in_review.pk}/approve/",
        f"/review/applications/{world.mine.in_review.pk}/conflict/",
        f"/employers/{world.mine.employer.pk}/suspend/",
        f"/employers/reports/{world.mine.report.pk}/verify/",
    } <= actions
    assert sum(len(form.fields) for forms in pages.forms.values() for form in forms) > 400
    assert any(
        kind == "file" for forms in pages.forms.values() for form in forms for _n, kind, _d in form.fields
    )
    assert sum(len(names) for names in pages.query_names.values()) > 20


# ---------------------------------------------------------------- 2. query parameters


GENERIC_QUERY = ["q", "page", "next"]
ADMIN_QUERY = ["q", "_changelist_filters"]


def _query_names(route: Route, pages: Pages) -> list[str]:
    if route.is_api:
        names = [*_query_parameters(route), "q", "format"]
    elif _is_admin(route):
        names = [*ADMIN_QUERY, *pages.query_names.get(route.name, [])]
    else:
        names = [*GENERIC_QUERY, *pages.query_names.get(route.name, [])]
    return list(dict.fromkeys(names))


def _query_asks(route: Route, url: str, names: list[str]) -> Iterator[tuple[str, str, str, bool]]:
    """(what, the URL, the name the refusal must give, whether to ask anonymously too): NUL in each
    parameter, two other control characters (in turn along the routes; all of them for the API, whose
    list is short) in the first, a NUL in a name, and a NUL after a good parameter."""
    first = quote(names[0])
    for name in names:
        yield f"?{name}=a{NUL}b", f"{url}?{quote(name)}=a{NUL}b", name, name == names[0]
    if not _is_admin(route):
        index = ROUTES.index(route)
        classes = list(OTHER_CONTROLS.items())
        chosen = classes if route.is_api else [classes[index % 6], classes[(index + 3) % 6]]
        for label, text in chosen:
            yield f"?{names[0]}=a({label})b", f"{url}?{first}=a{text}b", names[0], False
    yield "a NUL in a parameter's name", f"{url}?a{NUL}b=1", "query", False
    yield "a NUL after a good parameter", f"{url}?page=1&{first}={NUL}", names[0], False


@pytest.mark.parametrize("route", ROUTES, ids=ROUTE_IDS)
def test_a_control_character_in_the_address_or_the_query_is_refused(  # type: ignore[no-untyped-def]
    world: World, clients: Clients, pages: Pages, db, route: Route
) -> None:
    """In the address: 404, as the owner (read and write) and anonymously. In the query: 400 naming
    the parameter. Nothing changes."""
    kwargs = _kwargs(route, world.mine)
    owner = clients.of(pages.user(world, route), api=route.is_api)
    anonymous = Client()
    before = state()
    failures = []
    for label, url in _address_variants(route, kwargs):
        asks = [("GET as the owner", owner.get)]
        if label.startswith("NUL"):
            asks += [("POST as the owner", owner.post), ("GET anonymously", anonymous.get)]
        for who, ask in asks:
            problem = _refused_address(ask(url), api=route.is_api)
            if problem:
                failures.append(f"path: {who} {url} ({label}): {problem}")
    url = _url(route, kwargs)
    for label, target, where, also_anonymously in _query_asks(route, url, _query_names(route, pages)):
        for who, client in [("the owner", owner), *([("anonymous", anonymous)] if also_anonymously else [])]:
            problem = _refused_input(client.get(target), where, api=route.is_api)
            if problem:
                failures.append(f"query: GET {target} ({label}) as {who}: {problem}")
    assert state() == before, f"{route.name}: a request with a control character changed data"
    assert failures == []


# ---------------------------------------------------------------- 4. headers


# (the header as WSGI names it, its value, the name a refusal gives it)
HEADERS = {
    "Authorization with NUL": ("HTTP_AUTHORIZATION", "Token a\x00b", "Authorization"),
    "Cookie with NUL": ("HTTP_COOKIE", "sessionid=abcdefgh\x00ijklmnop", "Cookie"),
    # The cookie parser decodes \\ooo escapes inside a quoted value: the header holds no control
    # character, the session id read from it does.
    "Cookie with an escaped NUL": ("HTTP_COOKIE", 'sessionid="abcdefgh\\000ijklmnop"', "Cookie"),
    "Idempotency-Key with NUL": ("HTTP_IDEMPOTENCY_KEY", "a\x00b", "Idempotency-Key"),
    "any header with NUL": ("HTTP_X_ANYTHING", "a\x00b", "X-Anything"),
}
# Every route of the app; the admin's (one site, behind the same door) by its front page.
HEADER_ROUTES = [route for route in ROUTES if not _is_admin(route) or route.name == "admin:index"]
# The other classes, on two routes each (one page, one API list).
HEADER_CLASSES = {
    "Authorization with SOH": ("HTTP_AUTHORIZATION", "Token a\x01b", "Authorization"),
    "Cookie with US": ("HTTP_COOKIE", "csrftoken=a\x1fb", "Cookie"),
    "Cookie with an escaped LF": ("HTTP_COOKIE", 'csrftoken="a\\012b"', "Cookie"),
    "User-Agent with DEL": ("HTTP_USER_AGENT", "a\x7fb", "User-Agent"),
    "Accept-Language with LF": ("HTTP_ACCEPT_LANGUAGE", "en\nfr", "Accept-Language"),
    "X-Forwarded-For with NUL": ("HTTP_X_FORWARDED_FOR", "1.2.3.4\x00", "X-Forwarded-For"),
    "Referer with ESC": ("HTTP_REFERER", "https://example.test/\x1b", "Referer"),
}


@pytest.mark.parametrize("case", list(HEADERS), ids=list(HEADERS))
def test_a_control_character_in_a_header_is_400_on_every_route(  # type: ignore[no-untyped-def]
    world: World, clients: Clients, db, case: str
) -> None:
    meta, value, where = HEADERS[case]
    before = state()
    failures = []
    for route in HEADER_ROUTES:
        url = _url(route, _kwargs(route, world.mine))
        client = clients.of(_owner(world, route), api=route.is_api)
        ask = client.post if meta == "HTTP_IDEMPOTENCY_KEY" else client.get
        problem = _refused_input(ask(url, **{meta: value}), where, api=route.is_api)
        if problem:
            failures.append(f"{route.name} {url}: {problem}")
    assert state() == before
    assert failures == []


@pytest.mark.parametrize("case", list(HEADER_CLASSES), ids=list(HEADER_CLASSES))
@pytest.mark.parametrize("url", ["/programs/", "/api/v1/applications/"])
def test_each_kind_of_control_character_in_a_header_is_400(  # type: ignore[no-untyped-def]
    world: World, clients: Clients, db, case: str, url: str
) -> None:
    meta, value, where = HEADER_CLASSES[case]
    api = url.startswith("/api/")
    before = state()
    client = clients.of(world.mine.worker, api=api)
    for ask in (client.get, client.post, Client().get):
        assert _refused_input(ask(url, **{meta: value}), where, api=api) is None, ask
    assert state() == before


# ---------------------------------------------------------------- 3. API bodies


PLACEHOLDER = "@@control@@"


def _holding(path: Path, value: Any) -> Any:
    """A minimal body with `value` at `path` (a free-form object's "key" is a key of the client's)."""
    for step in reversed(path):
        value = [value] if isinstance(step, int) else {step: value}
    return value


def _json_with(path: Path, escape: str) -> str:
    return json.dumps(_holding(path, PLACEHOLDER)).replace(f'"{PLACEHOLDER}"', f'"a{escape}b"')


def _file(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")


@dataclass(frozen=True)
class Body:
    label: str
    content_type: str
    data: str | bytes
    where: str  # the field the refusal must name


def _bodies(operation: Operation) -> Iterator[Body]:
    """Every body the walk sends for an operation: a control character at each place of its schema, in
    the encoding the operation takes, plus a key and a bare string. A file's place gets text too: a
    client may send text where a file goes."""
    content_type = operation.content_type
    if content_type == "application/json":
        for index, (path, _kind) in enumerate(operation.inputs):
            # NUL and a lone surrogate everywhere, the other classes in the first place.
            escapes = (
                JSON_CONTROLS
                if index == 0
                else {key: JSON_CONTROLS[key] for key in ("NUL", "lone surrogate")}
            )
            for label, escape in escapes.items():
                yield Body(f"{label} in {path}", content_type, _json_with(path, escape), str(path[0]))
        yield Body("NUL in a key", content_type, '{"a\\u0000b": "x"}', "non_field_errors")
        yield Body("NUL in a bare string body", content_type, '"a\\u0000b"', "non_field_errors")
        return
    names = list(dict.fromkeys(str(path[0]) for path, _kind in operation.inputs))
    encode: Callable[[dict[str, Any]], str | bytes]
    if content_type == "application/x-www-form-urlencoded":
        encode = urlencode
    elif content_type == "multipart/form-data":
        content_type = MULTIPART_CONTENT

        def encode(data: dict[str, Any]) -> bytes:
            return encode_multipart(BOUNDARY, data)
    else:
        raise AssertionError(f"{operation.label}: walk this content type too")
    for index, name in enumerate(names):
        for label, character in FORM_CONTROLS.items() if index == 0 else [("NUL", "\x00")]:
            yield Body(f"{label} in {name}", content_type, encode({name: f"a{character}b"}), name)
    yield Body("NUL in a key", content_type, encode({"a\x00b": "x"}), "non_field_errors")


WRITES = [operation for operation in OPERATIONS if operation.inputs]


def _send(
    client: Client, operation: Operation, url: str, content_type: str, data: str | bytes
) -> HttpResponse:
    # The sign-in endpoint's rate limit counts refused requests too; it is not what is checked here.
    caches["default"].clear()
    return client.generic(operation.method.upper(), url, data, content_type=content_type)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _gist(response: HttpResponse) -> tuple[Any, ...]:
    """An answer without what differs between two identical requests (ids, times, tokens): its status,
    where it redirects, and the fields of a JSON answer, none of which may hold a control character."""
    fields: Any = None
    if response.get("Content-Type", "").startswith("application/json"):
        answer = response.json()
        assert not [text for text in _strings(answer) if has_control_character(text)], answer
        fields = sorted(answer) if isinstance(answer, dict) else type(answer).__name__
    return response.status_code, response.get("Location"), fields


def _as_without_control_characters(send: Callable[[str], HttpResponse]) -> str | None:
    """A control character in an upload's name never reaches a view: Django's multipart parser drops
    non-printable characters from file names (MultiPartParser.sanitize_file_name), before the door
    (core.middleware, core.api) can see them. So the answer is the one to the same name without them,
    each asked from the same state (and rolled back)."""
    answers = []
    for name in ("a\x00b\x01c\x1fd\x7fe\x85f.pdf", "abcdef.pdf"):
        with transaction.atomic():
            answers.append(_gist(send(name)))
            transaction.set_rollback(True)
    return None if answers[0] == answers[1] else f"answered {answers[0]}, but {answers[1]} without them"


@pytest.mark.parametrize("operation", WRITES, ids=[operation.label for operation in WRITES])
def test_a_control_character_in_an_api_body_is_400(  # type: ignore[no-untyped-def]
    world: World, clients: Clients, db, operation: Operation
) -> None:
    route = operation.route
    assert route is not None
    kwargs = _kwargs(route, world.mine)
    url = _url(route, kwargs)
    bodies = list(_bodies(operation))
    probe = bodies[0]
    before = state()
    # Whoever may make the write reaches its parser; the others are refused first (401, 403, 404).
    people: list[User | None] = [_owner(world, route), *_people(world), None]
    answers = {}
    for person in people:
        client = clients.of(person, api=True)
        response = _send(client, operation, url, probe.content_type, probe.data)
        if _refused_input(response, probe.where, api=True) is None:
            break
        answers[getattr(person, "email", "anonymous")] = response.status_code
    else:
        assert state() == before
        # Only a record the world lacks may leave every caller at a 404 before the parser.
        assert route.parameters, f"{operation.label}: nobody reached the parser: {answers}"
        assert not kwargs, f"{operation.label} at {url}: nobody reached the parser: {answers}"
        assert set(answers.values()) <= {401, 403, 404}, answers
        return
    failures = []
    for body in bodies:
        problem = _refused_input(
            _send(client, operation, url, body.content_type, body.data), body.where, api=True
        )
        if problem:
            failures.append(f"{body.label}: {problem}")
    if operation.content_type == "application/json":
        raw = _send(client, operation, url, "application/json", '{"x": "a\x00b"}')
        if raw.status_code != 400 or "JSON parse error" not in raw.json().get("detail", ""):
            failures.append(f"a raw NUL in the JSON text: {_answer(raw)}")
    for path, kind in operation.inputs:
        if kind == "file":
            problem = _as_without_control_characters(
                lambda name, field=str(path[0]): _send(
                    client,
                    operation,
                    url,
                    MULTIPART_CONTENT,
                    encode_multipart(BOUNDARY, {field: _file(name)}),
                )
            )
            if problem:
                failures.append(f"control characters in the name of file {path[0]}: {problem}")
    assert state() == before, f"{operation.label}: a body with a control character changed data"
    assert failures == []


# ---------------------------------------------------------------- 3. page forms


def _post(client: Client, target: str, data: dict[str, Any], *, multipart: bool) -> HttpResponse:
    if multipart:
        return client.post(target, data)
    encoded = urlencode(data, doseq=True)
    return client.post(target, encoded, content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=[route.name for route in PAGE_ROUTES])
def test_a_control_character_in_a_form_field_is_400(  # type: ignore[no-untyped-def]
    world: World, clients: Clients, pages: Pages, db, route: Route
) -> None:
    """Every field of every form the page shows, POSTed to the form's own action with the page's own
    values in the other fields; and, on every route, a field of any POST, as form and multipart."""
    url = _url(route, _kwargs(route, world.mine))
    owner = clients.of(pages.user(world, route), api=False)
    asks: list[tuple[str, Client, str, dict[str, Any], bool, str]] = [
        ("a field", owner, url, {"reason": "a\x00b"}, False, "reason"),
        ("a multipart field", owner, url, {"reason": "a\x00b"}, True, "reason"),
        ("a field, anonymously", Client(), url, {"reason": "a\x00b"}, False, "reason"),
    ]
    uploads: list[tuple[Client, Form, str]] = []
    for form in pages.forms.get(route.name, []):
        client = clients.of(form.user, api=False)
        for index, (name, kind, _default) in enumerate(form.fields):
            if kind == "file":
                uploads.append((client, form, name))
            data = {**form.defaults(), name: "a\x00b"}
            asks.append((f"NUL in {name}", client, form.action, data, form.multipart, name))
            if index == 0:
                for label, character in FORM_CONTROLS.items():
                    data = {**form.defaults(), name: f"a{character}b"}
                    asks.append((f"{label} in {name}", client, form.action, data, form.multipart, name))
    before = state()
    failures = []
    for label, client, target, data, multipart, where in asks:
        problem = _refused_input(_post(client, target, data, multipart=multipart), where, api=False)
        if problem:
            failures.append(f"POST {target} ({label}): {problem}")
    for client, form, name in uploads:
        problem = _as_without_control_characters(
            lambda file_name, client=client, form=form, name=name: _post(
                client, form.action, {**form.defaults(), name: _file(file_name)}, multipart=True
            )
        )
        if problem:
            failures.append(f"POST {form.action} (control characters in the name of file {name}): {problem}")
    assert state() == before, f"{route.name}: a form with a control character changed data"
    assert failures == []


# ---------------------------------------------------------------- text that is decoded after the door


def test_a_cursor_cannot_smuggle_a_control_character(world: World, clients: Clients, db) -> None:  # type: ignore[no-untyped-def]
    """`?cursor=` is base64 JSON of the last row's keys: no control character in the query string, but
    one in each decoded key. Each such cursor is refused like any other broken cursor."""
    client = clients.of(world.mine.manager, api=True)
    following = client.get("/api/v1/applications/?cursor=&page_size=1").json()["next"]
    token = parse_qs(urlsplit(following).query)["cursor"][0]
    keys = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    assert len(keys) >= 2
    before = state()
    refused = 0
    for index, key in enumerate(keys):
        for smuggled in (f"{key}\x00", "\x00", f"{key}\ud800", f"\x01{key}"):
            forged = [*keys[:index], smuggled, *keys[index + 1 :]]
            raw = json.dumps(forged).encode()
            cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
            response = client.get(f"/api/v1/applications/?cursor={cursor}")
            # A key is read as its field's type before any query: a date or a number either drops the
            # character (Python's ISO parser ignores a trailing one) or is refused; never text with it.
            assert response.status_code in (200, 400), (forged, _answer(response))
            if response.status_code == 400:
                assert response.json() == {"cursor": ["This cursor is not valid; start again."]}, forged
                refused += 1
    assert refused >= len(keys) * 2
    assert state() == before


def _json_text_forms(world: World) -> list[tuple[str, User, str, dict[str, str], str]]:
    """Page fields that take JSON typed as text: the text holds only the escape `\\u0000`, the value
    it decodes to holds the NUL. (label, who, where, the form, the field)."""
    program, provider = world.mine.program, world.mine.credential.provider_id
    issuer = "https://issuer.example.test/1"
    return [
        (
            "an eligibility rule's parameters",
            world.mine.manager,
            reverse("programs:eligibility_rules", args=[program.code]),
            {"kind": "residency_region", "parameters": '{"regions": ["No\\u0000rth"]}'},
            "parameters",
        ),
        (
            "a badge issuer's public keys",
            world.mine.manager,
            reverse("programs:badge_issuer_register", args=[provider]),
            {
                "issuer-issuer_id": issuer,
                "issuer-public_keys": '[{"kty": "OKP", "crv": "Ed25519", "x": "a\\u0000b"}]',
            },
            "public_keys",
        ),
        (
            "a badge issuer's public keys (a key's name)",
            world.mine.manager,
            reverse("programs:badge_issuer_register", args=[provider]),
            {
                "issuer-issuer_id": issuer,
                "issuer-public_keys": '[{"kty": "OKP", "crv": "Ed25519", "x": "abc", "\\u0001": 1}]',
            },
            "public_keys",
        ),
    ]


def _json_defaults(pages: Pages) -> Iterator[tuple[str, Form, str, Any]]:
    """The fields of the pages' forms that show JSON (the admin's for a model's JSONField)."""
    for forms in pages.forms.values():
        for form in forms:
            for name, kind, default in form.fields:
                if kind not in ("textarea", "text") or not default or default.strip()[:1] not in "[{":
                    continue
                try:
                    yield f"{form.action} {name}", form, name, json.loads(default)
                except ValueError:
                    continue


@pytest.mark.parametrize("index", [0, 1, 2], ids=["eligibility parameters", "issuer keys", "issuer key name"])
def test_json_typed_into_a_page_cannot_smuggle_a_control_character(  # type: ignore[no-untyped-def]
    world: World, clients: Clients, db, index: int
) -> None:
    label, person, url, data, _field = _json_text_forms(world)[index]
    before = state()
    response = clients.of(person, api=False).post(url, data)
    assert response.status_code == 200, f"{label}: {_answer(response)}"
    assert REFUSAL in response.content.decode(), label
    assert state() == before, label


def test_json_a_page_shows_cannot_be_given_back_with_a_control_character(  # type: ignore[no-untyped-def]
    world: World, clients: Clients, pages: Pages, db
) -> None:
    """Every form field that shows JSON, sent back with a NUL decoded from its escape, the rest of the
    form as shown: the form is shown again with the refusal, and nothing changes."""
    fields = list(_json_defaults(pages))
    assert len(fields) >= 2
    before = state()
    failures = []
    for label, form, name, shown in fields:
        smuggled = '{"a\\u0000b": 1}' if isinstance(shown, dict) else '["a\\u0000b"]'
        data = {**form.defaults(), name: smuggled}
        with transaction.atomic():
            response = _post(clients.of(form.user, api=False), form.action, data, multipart=form.multipart)
            transaction.set_rollback(True)
        if response.status_code != 200 or REFUSAL not in response.content.decode():
            failures.append(f"{label}: {_answer(response)}")
    assert state() == before
    assert failures == []
