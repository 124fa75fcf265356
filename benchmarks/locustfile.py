"""The SkillsFund load profile: workers applying, program managers reviewing and approving, officials reading
the dashboards, all at once. `make load` runs it against gunicorn on PostgreSQL (see docs/quality.md).

Seed data comes from benchmarks/load_setup.py (the JSON file in LOAD_ACCOUNTS). Every write that succeeds
is appended to a per-process log (LOAD_LOG_DIR/creates-<pid>.jsonl: action and application id), so that
benchmarks/load_check.py can compare the database with what the requests created: nothing lost, nothing
doubled.

- WorkerUser: starts a draft (API), uploads a small PDF, submits it, now and then reads its own list. Each
  application uses a (worker, credential) pair never used before, so no-double-funding never refuses one.
- ManagerUser: one per program (its manager): lists the program's submitted applications, takes each into
  review (assigning the program's reviewer, the API's way to begin review) and approves it.
- OfficialUser: the reports API summary, and the dashboard page (signed in through the sign-in page).

The users are locust's FastHttpUser (geventhttpclient) rather than HttpUser (python-requests): locust runs
on the same 2 cores as the app, and FastHttpUser costs it about half the CPU per request (~0.7 ms instead
of ~1.4 ms), CPU the app would otherwise lose to the load generator.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
from pathlib import Path
from typing import Any

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

ROOT = Path(__file__).resolve().parent.parent
ACCOUNTS = json.loads(
    Path(os.environ.get("LOAD_ACCOUNTS", ROOT / "var" / "load" / "accounts.json")).read_text()
)
LOG_DIR = Path(os.environ.get("LOAD_LOG_DIR", ROOT / "var" / "load" / "log"))
LOG_DIR.mkdir(parents=True, exist_ok=True)
_log_file: Any = None

# A tiny but well-formed PDF: the upload check reads the content, not the name.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def record(action: str, application_id: int, **extra: Any) -> None:
    """Append one successful write to this process's log (flushed at once, so a crash loses nothing)."""
    global _log_file  # noqa: PLW0603
    if _log_file is None:
        _log_file = (LOG_DIR / f"creates-{os.getpid()}.jsonl").open("a", buffering=1)
    _log_file.write(json.dumps({"action": action, "application": application_id, **extra}) + "\n")


# Every (worker, credential) pair once: worker-major within a credential, so all workers are used first.
_pairs = itertools.product(range(len(ACCOUNTS["credentials"])), range(len(ACCOUNTS["workers"])))
_programs = itertools.cycle(ACCOUNTS["programs"])
_managed = iter(ACCOUNTS["programs"])
_officials = itertools.cycle(ACCOUNTS["officials"])


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Token {token}"}


def _ok(response: Any, expected: int, what: str) -> bool:
    """Mark anything but the expected status a failure, with what the server said."""
    if response.status_code != expected:
        body = response.text or repr(response.error)
        response.failure(f"{what}: {response.status_code} {body[:200]!r}")
        return False
    response.success()
    return True


class WorkerUser(FastHttpUser):
    weight = 8
    wait_time = between(0.2, 0.8)

    @task(6)
    def apply(self) -> None:
        try:
            credential_index, worker_index = next(_pairs)
        except StopIteration:
            return  # every pair used: a longer run needs more workers or credentials in load_setup
        worker = ACCOUNTS["workers"][worker_index]
        program = next(_programs)
        headers = _auth(worker["token"])
        body = {
            "program": program["code"],
            "credential": ACCOUNTS["credentials"][credential_index],
            "amount_requested": "500.00",
            "statement": "Load test application.",
        }
        with self.client.post(
            "/api/v1/applications/",
            json=body,
            headers=headers,
            name="worker: create draft",
            catch_response=True,
        ) as response:
            if not _ok(response, 201, "create"):
                return
            application_id = response.json()["id"]
            record("create", application_id, program=program["code"])
        with self.client.post(
            f"/api/v1/applications/{application_id}/documents/",
            files={"file": ("evidence.pdf", PDF, "application/pdf")},
            data={"kind": "evidence"},
            headers=headers,
            name="worker: upload document",
            catch_response=True,
        ) as response:
            if not _ok(response, 201, "upload"):
                return
            record("upload", application_id)
        with self.client.post(
            f"/api/v1/applications/{application_id}/submit/",
            headers=headers,
            name="worker: submit",
            catch_response=True,
        ) as response:
            if _ok(response, 200, "submit"):
                record("submit", application_id)

    @task(1)
    def my_applications(self) -> None:
        worker = random.choice(ACCOUNTS["workers"])  # noqa: S311 - not security
        with self.client.get(
            "/api/v1/applications/",
            headers=_auth(worker["token"]),
            name="worker: my applications",
            catch_response=True,
        ) as response:
            _ok(response, 200, "list")


class ManagerUser(FastHttpUser):
    """One per program: nobody else decides its applications, so no two managers race for one."""

    fixed_count = len(ACCOUNTS["programs"])
    wait_time = between(0.2, 0.6)

    def on_start(self) -> None:
        self.program = next(_managed)
        self.headers = _auth(self.program["manager_token"])

    @task
    def review_and_approve(self) -> None:
        with self.client.get(
            "/api/v1/applications/",
            params={"status": "submitted", "program": self.program["code"], "sort": "submitted"},
            headers=self.headers,
            name="manager: review queue",
            catch_response=True,
        ) as response:
            if not _ok(response, 200, "queue"):
                return
            rows = response.json()["results"][:3]
        for row in rows:
            with self.client.post(
                f"/api/v1/applications/{row['id']}/assign/",
                json={"reviewer": self.program["reviewer_id"]},
                headers=self.headers,
                name="manager: begin review (assign)",
                catch_response=True,
            ) as response:
                if not _ok(response, 200, "assign"):
                    continue
                record("assign", row["id"])
            with self.client.post(
                f"/api/v1/applications/{row['id']}/approve/",
                json={"reason": "Meets the criteria."},
                headers=self.headers,
                name="manager: approve",
                catch_response=True,
            ) as response:
                if _ok(response, 200, "approve"):
                    record("approve", row["id"])


class OfficialUser(FastHttpUser):
    weight = 1
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        official = next(_officials)
        self.headers = _auth(official["token"])
        page = self.client.get("/accounts/sign-in/", name="official: sign-in page")
        match = CSRF.search(page.text)
        token = match.group(1) if match else ""
        with self.client.post(
            "/accounts/sign-in/",
            data={
                "username": official["email"],
                "password": official["password"],
                "csrfmiddlewaretoken": token,
            },
            headers={"Referer": f"{self.host}/accounts/sign-in/"},
            allow_redirects=False,
            name="official: sign in",
            catch_response=True,
        ) as response:
            _ok(response, 302, "sign in")

    @task(3)
    def summary(self) -> None:
        with self.client.get(
            "/api/v1/reports/summary/",
            headers=self.headers,
            name="official: reports summary API",
            catch_response=True,
        ) as response:
            _ok(response, 200, "summary")

    @task(1)
    def dashboard(self) -> None:
        with self.client.get("/reports/", name="official: dashboard page", catch_response=True) as response:
            _ok(response, 200, "dashboard")

    @task(1)
    def home(self) -> None:
        with self.client.get("/", name="official: home page", catch_response=True) as response:
            _ok(response, 200, "home")


@events.quitting.add_listener
def _close_log(environment: Any, **kwargs: Any) -> None:
    if _log_file is not None:
        _log_file.close()
