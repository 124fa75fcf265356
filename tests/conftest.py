import os

import pytest
from django.conf import settings as django_settings

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--require-postgres",
        action="store_true",
        help="Fail unless the database is PostgreSQL, and fail if any test marked `postgres` is skipped.",
    )


def _is_postgres() -> bool:
    return django_settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


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
