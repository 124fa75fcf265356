import os

import pytest
from _pytest.nodeid import coerce_node_id
from django.conf import settings as django_settings
from pytest_django.plugin import blocking_manager_key

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-postgres",
        action="store_true",
        help="Fail unless the database is PostgreSQL, and fail if any test marked `postgres` is skipped.",
    )


def _is_postgres() -> bool:
    return django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """schemathesis names each operation's test `test_x[GET /path]` but gives them all the node id
    `...::test_x`; xdist's file scheduling keys tests by node id and would run one operation per role."""
    for item in session.items:
        function = item.nodeid.rpartition("::")[2]
        if item.name != function and item.name.startswith(function + "["):
            item._id = coerce_node_id(f"{item.nodeid.rpartition('::')[0]}::{item.name}")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--require-postgres") and not _is_postgres():
        raise pytest.UsageError("--require-postgres was given but DATABASE_URL does not point at PostgreSQL.")
    if _is_postgres():
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks, concurrent transactions); runs in CI's second pass"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


_skipped_postgres_tests: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "postgres" in report.keywords:
        _skipped_postgres_tests.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.getoption("--require-postgres") and _skipped_postgres_tests:
        session.config.get_terminal_writer().line(
            "PostgreSQL tests were skipped on PostgreSQL: " + ", ".join(_skipped_postgres_tests), red=True
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _serialized(item: pytest.Item | None) -> bool:
    marker = item.get_closest_marker("django_db") if item is not None else None
    return marker is not None and bool(marker.kwargs.get("serialized_rollback"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """A transactional test (here always with `serialized_rollback`) ends in a flush that leaves no role
    groups, content types or permissions; the next such test loads them back before it starts. Serially
    pytest-django runs these tests last, but with `-n 2` (xdist, `make test`) other tests of the same
    worker follow: load back what migrate made for them too."""
    result = yield
    # With no next test the session's database is already torn down (and the settings point at the real
    # database again): nothing to load back.
    if _serialized(item) and nextitem is not None and not _serialized(nextitem):
        from django.contrib.contenttypes.models import ContentType
        from django.db import connections

        with item.config.stash[blocking_manager_key].unblock():
            for alias in connections:
                contents = getattr(connections[alias], "_test_serialized_contents", None)
                if contents:
                    connections[alias].creation.deserialize_db_from_string(contents)
            ContentType.objects.clear_cache()
    return result


@pytest.fixture(autouse=True)
def _test_settings(settings):  # type: ignore[no-untyped-def]
    """Run tasks at once, hash passwords fast, and serve static names without a collected manifest."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture
def api_client():  # type: ignore[no-untyped-def]
    from rest_framework.test import APIClient

    return APIClient()
