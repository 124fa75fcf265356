"""benchmarks/load_check.py's accounting of ambiguous commits: a write the database holds that no logged
success explains is accepted only when gunicorn's access log shows that very request answering 5xx."""

import importlib.util
from pathlib import Path

import pytest

from grants.applications import services
from tests.grants.factories import draft_application, pdf_upload, submitted_application

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("load_check", ROOT / "benchmarks" / "load_check.py")
assert _spec is not None
assert _spec.loader is not None
load_check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(load_check)


def _access(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "access.log"
    path.write_text(
        "".join(
            f'127.0.0.1 - - [26/Nov/2026:18:16:37 +0000] "POST {line} HTTP/1.1" 500 158 "-" "x"\n'
            for line in lines
        )
    )
    return path


def _approved_after_an_unlogged_submit():  # type: ignore[no-untyped-def]
    """Submitted (answered 5xx but saved), then assigned and approved with logged successes."""
    application = submitted_application()
    manager = application.program.managers.first()
    application = services.application_begin_review(actor=manager, application=application)
    application = services.application_approve(actor=manager, application=application)
    log = [
        {"action": "create", "application": application.pk},
        {"action": "assign", "application": application.pk},
        {"action": "approve", "application": application.pk},
    ]
    return application, log


def test_a_gap_before_later_logged_steps_is_matched_to_its_5xx(tmp_path) -> None:
    application, log = _approved_after_an_unlogged_submit()
    access = _access(tmp_path, f"/api/v1/applications/{application.pk}/submit/")
    explained, unexplained = load_check.ambiguous_commits(log, access)
    assert dict(explained) == {"submit": 1}
    assert unexplained == []


def test_a_gap_with_no_5xx_is_unexplained(tmp_path) -> None:
    application, log = _approved_after_an_unlogged_submit()
    other = draft_application()
    log.append({"action": "create", "application": other.pk})
    access = _access(tmp_path, f"/api/v1/applications/{other.pk}/submit/", "/api/v1/applications/")
    explained, unexplained = load_check.ambiguous_commits(log, access)
    assert not explained
    assert unexplained == [f"application {application.pk}: approved without a logged submit"]


def test_an_application_never_logged_needs_a_5xx_for_each_write(tmp_path) -> None:
    application = draft_application()
    services.application_document_add(actor=application.applicant, application=application, file=pdf_upload())
    application = services.application_submit(actor=application.applicant, application=application)
    access = _access(tmp_path, "/api/v1/applications/", f"/api/v1/applications/{application.pk}/submit/")
    explained, unexplained = load_check.ambiguous_commits([], access)
    assert dict(explained) == {"create": 1, "submit": 1}
    assert unexplained == [f"application {application.pk}: a document no logged upload explains"]


def test_everything_logged_needs_nothing(tmp_path) -> None:
    application = submitted_application()
    log = [
        {"action": "create", "application": application.pk},
        {"action": "submit", "application": application.pk},
    ]
    explained, unexplained = load_check.ambiguous_commits(log, _access(tmp_path))
    assert not explained
    assert unexplained == []
