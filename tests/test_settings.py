"""Settings are safe by default and production values pass Django's deploy checks."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "false",
    "DJANGO_SECRET_KEY": "a-long-random-production-like-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "skillsfund.example.gov",
    "DJANGO_SECURE_SSL_REDIRECT": "true",
}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_")) and key != "SKILLSFUND_DEMO_APP"
    }
    clean.update({"DJANGO_SETTINGS_MODULE": "config.settings", **env})
    return subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


SHOW = "import django; django.setup(); from django.conf import settings as s; print(repr(({expr})))"


def test_debug_is_off_unless_set() -> None:
    result = run_python(SHOW.format(expr="s.DEBUG"), {"DJANGO_SECRET_KEY": "x" * 60})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("False")


def test_the_demo_app_is_not_installed_in_production() -> None:
    apps = "[app.label for app in __import__('django.apps').apps.apps.get_app_configs()]"
    production = run_python(SHOW.format(expr=apps), PRODUCTION_ENV)
    assert production.returncode == 0, production.stderr
    assert "'demo'" not in production.stdout
    assert "'grants'" in production.stdout
    development = run_python(SHOW.format(expr=apps), {"DJANGO_DEBUG": "true"})
    assert "'demo'" in development.stdout
    asked = run_python(SHOW.format(expr=apps), {**PRODUCTION_ENV, "SKILLSFUND_DEMO_APP": "true"})
    assert "'demo'" in asked.stdout
    commands = "__import__('django.core.management').core.management.get_commands()"
    assert "seed_demo" not in run_python(SHOW.format(expr=commands), PRODUCTION_ENV).stdout


def test_refuses_to_start_without_a_secret_key_when_debug_is_off() -> None:
    result = run_python(SHOW.format(expr="s.DEBUG"), {})
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_development_starts_without_a_secret_key() -> None:
    result = run_python(SHOW.format(expr="s.DEBUG"), {"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")


def test_database_defaults_to_a_sqlite_file_under_var() -> None:
    expr = "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']"
    result = run_python(SHOW.format(expr=expr), {"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert f"('django.db.backends.sqlite3', '{ROOT / 'var' / 'db.sqlite3'}')" in result.stdout


def test_database_url_switches_to_postgresql() -> None:
    expr = "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']"
    env = {"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://app@db.internal:5432/skillsfund"}
    result = run_python(SHOW.format(expr=expr), env)
    assert result.returncode == 0, result.stderr
    assert "('django.db.backends.postgresql', 'skillsfund')" in result.stdout


@pytest.mark.parametrize(("setting", "expected"), [(None, True), ("false", False), ("true", True)])
def test_postgresql_binds_parameters_on_the_server_unless_turned_off(setting, expected) -> None:
    expr = "s.DATABASES['default']['OPTIONS'].get('server_side_binding')"
    env = {"DJANGO_DEBUG": "true", "DATABASE_URL": "postgres://app@db.internal:5432/skillsfund"}
    if setting is not None:
        env["DATABASE_SERVER_SIDE_BINDING"] = setting
    result = run_python(SHOW.format(expr=expr), env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith(repr(expected))


def test_the_web_workers_tune_the_cycle_collector() -> None:
    code = "import gc; import config.wsgi; print(gc.get_threshold(), gc.get_freeze_count() > 10000)"
    result = run_python(code, {"DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("(50000, 20, 100) True")


def test_production_values_pass_check_deploy() -> None:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_")) and key != "SKILLSFUND_DEMO_APP"
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**clean, **PRODUCTION_ENV},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_security_settings() -> None:
    expr = (
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_HSTS_SECONDS,"
        " s.SECURE_CONTENT_TYPE_NOSNIFF, s.SECURE_REFERRER_POLICY"
    )
    result = run_python(SHOW.format(expr=expr), PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "(True, True, True, 31536000, True, 'strict-origin-when-cross-origin')" in result.stdout


@pytest.mark.django_db
def test_responses_carry_the_security_headers(client) -> None:
    response = client.get("/accounts/sign-in/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_no_page_has_inline_script(client) -> None:
    from accounts.roles import Role
    from tests.accounts.factories import user_with_role

    client.force_login(user_with_role(Role.ADMINISTRATOR))
    for url in ["/", "/accounts/profile/", "/accounts/users/", "/api/docs/"]:
        html = client.get(url).content.decode()
        assert "<script>" not in html, url
        assert " onclick=" not in html, url
        for tag in html.split("<script")[1:]:
            assert "src=" in tag.split(">", 1)[0], f"inline script on {url}"
