"""Fill a PostgreSQL benchmark database with realistic SkillsFund data, fast (COPY), at a chosen size.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillsfund_bench \
      DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python benchmarks/generate.py --applications 100000

Sizes follow the application count unless given: workers = applications / 5, employers = applications / 200,
20 programs (1,000,000 applications: 200,000 workers, 5,000 employers). Everything is deterministic for a
seed. Rows are written with PostgreSQL COPY (psycopg 3's `cursor.copy()`), ids assigned here, so related
rows need no round trip; users get an unusable password (no hasher runs).

What is generated (see benchmarks/README.md for the proportions):
- staff (administrator, program managers who manage the programs, reviewers, finance officers, officials);
  workers with profiles and, for three in four, voluntary demographics (small groups included, so some
  report cells are suppressed); employers with one representative each, pledges and quarterly progress
  reports (most verified);
- 20 programs with quarterly funding rounds over 8 quarters, 200 providers, 2,000 credentials;
- applications submitted over the last 8 quarters (growing), decided days to weeks later, with every status
  of the workflow in proportion to its age: drafts, undecided, withdrawn, rejected, approved, enrolled,
  claimed, verified, scheduled, paid (some partly), clawed back, expired, cancelled; region and age band at
  submission; priority groups; completion claims, payments and clawbacks behind the later statuses;
  outcomes in the 2nd and 4th quarter after completion where that time has passed;
- the budget ledger: an opening adjustment per program, a commitment per award, a release per expired or
  cancelled award (and of the unpaid rest of a partly paid award), a disbursement per payment and a
  clawback per recovery, with running totals; budget totals equal what `programs.selectors.ledger_reconcile`
  recomputes from the entries (no mismatch).
Not generated: application events, documents, reviews, letters and follow-up reminders (no report reads them).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import math
import os
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

SEED = 20261126
N_PROGRAMS = 20
N_PROVIDERS = 200
N_CREDENTIALS = 2000
QUARTERS = 8
DAY = 86400.0
CHUNK = 1 << 20  # bytes per COPY write

REGIONS = [
    ("North", 18),
    ("South", 16),
    ("East", 14),
    ("West", 14),
    ("Central", 12),
    ("Metro", 10),
    ("Lakes", 6),
    ("Valley", 5),
    ("Coast", 3),
    ("Highlands", 1.2),
    ("Islands", 0.5),
    ("Frontier", 0.3),
]
# (race_ethnicity answers, reporting group, weight): small groups on purpose, so some cells are suppressed.
RACE = [
    ('["white"]', "white", 52),
    ('["hispanic"]', "hispanic", 18),
    ('["black"]', "black", 12),
    ('["asian"]', "asian", 6),
    ('["aian"]', "aian", 1),
    ('["mena"]', "mena", 1.5),
    ('["nhpi"]', "nhpi", 0.3),
    ('["black", "white"]', "multiracial", 2),
    ('["asian", "hispanic"]', "multiracial", 1),
    ('["prefer_not_to_say"]', "not_reported", 6.2),
]
SEX = [("female", 47), ("male", 49), ("another", 0.5), ("prefer_not_to_say", 3.5)]
VETERAN = [("yes", 7), ("no", 88), ("prefer_not_to_say", 5)]
DISABILITY = [("yes", 10), ("no", 84), ("prefer_not_to_say", 6)]
EMPLOYMENT = [
    ("employed_full_time", 35),
    ("employed_part_time", 20),
    ("self_employed", 5),
    ("unemployed", 30),
    ("not_in_labour_force", 10),
]
INCOME = [("under_25k", 30), ("25k_50k", 35), ("50k_75k", 20), ("75k_100k", 8), ("100k_plus", 4), ("", 3)]
NAICS = ["541511", "622110", "336111", "238210", "484121", "311811", "524113", "561320", "621111", "423430"]
FIELDS = [
    "Welding",
    "Nursing",
    "Cloud",
    "Cybersecurity",
    "HVAC",
    "Electrical",
    "Truck Driving",
    "Bookkeeping",
]
REJECTIONS = ["not_eligible", "credential_not_funded", "budget_exhausted", "incomplete", "low_score", "other"]
CLAWBACK_REASONS = ["false_information", "non_completion", "overpayment", "duplicate_funding"]
OUTCOME_STATUS = [
    ("employed", 66),
    ("self_employed", 6),
    ("unemployed", 17),
    ("in_education", 6),
    ("not_working", 5),
]
COMPLETED = {"completion_verified", "payment_scheduled", "paid", "clawed_back"}
ACTIVE_AWARD = {
    "approved",
    "enrolled",
    "completion_claimed",
    "completion_verified",
    "payment_scheduled",
    "paid",
}
STAFF_ROLES = {
    "administrator": 1,
    "program_manager": 4,
    "reviewer": 12,
    "finance_officer": 2,
    "official": 2,
}
# The tables written with COPY, in dependency order (their id sequences are moved past the ids used).
TABLES = [
    "accounts_user",
    "accounts_user_groups",
    "grants_workerprofile",
    "grants_demographics",
    "programs_trainingprovider",
    "programs_credential",
    "programs_program",
    "programs_program_managers",
    "programs_programcredential",
    "programs_fundinground",
    "programs_programbudget",
    "employers_employer",
    "employers_representative",
    "employers_pledge",
    "employers_progressreport",
    "grants_application",
    "grants_completionclaim",
    "grants_payment",
    "grants_clawback",
    "grants_outcome",
    "programs_ledgerentry",
]


# ---------------------------------------------------------------- writing


def _ts(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).isoformat()


def _day(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, dt.UTC).date().isoformat()


def _money(cents: int) -> str:
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


N = r"\N"  # NULL in COPY's text format


class Copier:
    """Buffers rows of one table and sends them with COPY in chunks. Values must not contain tabs,
    newlines or backslashes (generated values never do)."""

    def __init__(self, cursor: Any, table: str, columns: Sequence[str], bar: Any = None) -> None:
        self.cursor = cursor
        self.table = table
        self.sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        self.buffer = io.StringIO()
        self.pending = 0
        self.rows = 0
        self.bar = bar

    def row(self, values: Iterable[Any]) -> None:
        self.buffer.write("\t".join(map(str, values)))
        self.buffer.write("\n")
        self.pending += 1
        if self.buffer.tell() >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        with self.cursor.copy(self.sql) as copy:
            copy.write(self.buffer.getvalue())
        self.rows += self.pending
        if self.bar is not None:
            self.bar.update(self.pending)
        self.buffer = io.StringIO()
        self.pending = 0


def _weighted(rng: Random, items: Sequence[tuple[Any, float]], k: int) -> list[Any]:
    return rng.choices([item for item, _w in items], [w for _i, w in items], k=k)


# ---------------------------------------------------------------- the data


@dataclass
class Sizes:
    applications: int
    workers: int
    employers: int
    programs: int = N_PROGRAMS

    @classmethod
    def for_applications(
        cls, applications: int, workers: int | None = None, employers: int | None = None
    ) -> Sizes:
        return cls(
            applications=applications,
            workers=workers or max(20, applications // 5),
            employers=employers or max(5, applications // 200),
        )


@dataclass
class Ids:
    """The next free id of each table (the database may already hold rows, e.g. in tests)."""

    next: dict[str, int] = field(default_factory=dict)

    def take(self, table: str, count: int = 1) -> int:
        first = self.next[table]
        self.next[table] = first + count
        return first


@dataclass
class Ledger:
    """The entries of one program's budget, ordered by time when written."""

    entries: list[tuple[float, str, int, str, int | None, int, str]] = field(default_factory=list)
    # (time, kind, cents, idempotency key, round id, subject type id, subject id)


def generate(
    sizes: Sizes,
    *,
    seed: int = SEED,
    now: dt.datetime | None = None,
    progress: bool = True,
    check_foreign_keys: bool = True,
) -> dict[str, int]:
    """Write the data into the current database (PostgreSQL) inside one transaction; return row counts.

    `check_foreign_keys=False` sets session_replication_role to replica for the load (needs a superuser):
    PostgreSQL then skips the foreign-key triggers, which the generator satisfies by construction (the test
    loads with them on). Check, unique and not-null constraints are always enforced.
    """
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from tqdm import tqdm

    from grants.models import Application, Clawback, Payment

    rng = Random(seed)
    moment = (now or dt.datetime.now(dt.UTC)).timestamp()
    estimate = sizes.applications * 3 + sizes.workers * 3 + sizes.employers * 4
    from accounts.roles import Role

    groups = {role.value: Group.objects.get_or_create(name=role.value)[0].pk for role in Role}
    content_types = {
        model: ContentType.objects.get_for_model(model).pk for model in (Application, Payment, Clawback)
    }
    counts: dict[str, int] = {}
    with (
        transaction.atomic(),
        connection.cursor() as wrapper,
        tqdm(total=estimate, desc="Generating", unit="row", disable=not progress, smoothing=0.05) as bar,
    ):
        cursor = wrapper.cursor  # the psycopg cursor, for COPY
        if not check_foreign_keys:
            cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute("SET LOCAL synchronous_commit = off")
        ids = Ids()
        for table in TABLES:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) + 1 FROM {table}")  # noqa: S608 - fixed names
            ids.next[table] = cursor.fetchone()[0]
        builder = _Builder(rng, sizes, moment, ids, groups, content_types, cursor, bar)
        builder.run()
        for table in TABLES:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - fixed names
                f"GREATEST((SELECT MAX(id) FROM {table}), 1))"
            )
        counts = builder.counts()
        bar.total = bar.n
        bar.refresh()
    return counts


class _Builder:
    def __init__(
        self,
        rng: Random,
        sizes: Sizes,
        moment: float,
        ids: Ids,
        groups: dict[str, int],
        content_types: dict[Any, int],
        cursor: Any,
        bar: Any,
    ) -> None:
        from grants.models import Application, Clawback, Payment

        self.rng = rng
        self.sizes = sizes
        self.now = moment
        self.ids = ids
        self.groups = groups
        self.ct_application = content_types[Application]
        self.ct_payment = content_types[Payment]
        self.ct_clawback = content_types[Clawback]
        self.cursor = cursor
        self.bar = bar
        self.copiers: list[Copier] = []
        today = dt.datetime.fromtimestamp(moment, dt.UTC).date()
        quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        starts = [quarter_start]
        for _q in range(QUARTERS - 1):
            previous = starts[0] - dt.timedelta(days=1)
            starts.insert(0, dt.date(previous.year, 3 * ((previous.month - 1) // 3) + 1, 1))
        self.quarter_starts = [dt.datetime.combine(day, dt.time.min, dt.UTC).timestamp() for day in starts]
        self.quarter_names = [f"{day.year} Q{(day.month - 1) // 3 + 1}" for day in starts]
        self.start = self.quarter_starts[0]

    def copier(self, table: str, columns: Sequence[str]) -> Copier:
        copier = Copier(self.cursor, table, columns, self.bar)
        self.copiers.append(copier)
        return copier

    def counts(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for copier in self.copiers:
            totals[copier.table] = totals.get(copier.table, 0) + copier.rows
        return totals

    def run(self) -> None:
        self.users()
        self.catalog()
        self.employers()
        self.applications()
        for copier in self.copiers:
            copier.flush()

    # ------------------------------------------------------------ people

    def _user_copier(self) -> Copier:
        return self.copier(
            "accounts_user",
            [
                "id",
                "password",
                "last_login",
                "is_superuser",
                "email",
                "full_name",
                "phone",
                "preferred_language",
                "is_active",
                "email_verified_at",
                "date_joined",
            ],
        )

    def users(self) -> None:
        rng, sizes = self.rng, self.sizes
        users = self._user_copier()
        memberships = self.copier("accounts_user_groups", ["id", "user_id", "group_id"])
        joined = _ts(self.start - 30 * DAY)
        self.staff: dict[str, list[int]] = {}
        for role, count in STAFF_ROLES.items():
            first = self.ids.take("accounts_user", count)
            self.staff[role] = list(range(first, first + count))
            for uid in self.staff[role]:
                users.row(
                    [
                        uid,
                        "!bench",
                        N,
                        "f",
                        f"{role}-{uid}@bench.example",
                        f"Bench {role} {uid}",
                        "",
                        "en",
                        "t",
                        joined,
                        joined,
                    ]
                )
                memberships.row([self.ids.take("accounts_user_groups"), uid, self.groups[role]])
        self.deciders = self.staff["reviewer"] + self.staff["program_manager"]

        # Workers: profile for all, demographics for three in four.
        n = sizes.workers
        self.worker0 = self.ids.take("accounts_user", n)
        profiles = self.copier(
            "grants_workerprofile",
            [
                "id",
                "user_id",
                "region",
                "address",
                "date_of_birth",
                "employment_status",
                "household_income_band",
                "priority_veteran",
                "priority_disability",
                "contact_by_employers",
                "contact_consent_changed_at",
                "updated_at",
            ],
        )
        demographics = self.copier(
            "grants_demographics",
            ["id", "user_id", "race_ethnicity", "sex", "veteran", "disability", "race_group", "updated_at"],
        )
        regions = _weighted(rng, REGIONS, n)
        employment = _weighted(rng, EMPLOYMENT, n)
        income = _weighted(rng, INCOME, n)
        races = _weighted(rng, [((a, g), w) for a, g, w in RACE], n)
        sexes = _weighted(rng, SEX, n)
        veterans = _weighted(rng, VETERAN, n)
        disabilities = _weighted(rng, DISABILITY, n)
        today = dt.datetime.fromtimestamp(self.now, dt.UTC).date()
        self.worker_region = regions
        self.worker_birth_year: list[int] = []
        self.worker_priority: list[tuple[str, int]] = []
        profile0 = self.ids.take("grants_workerprofile", n)
        demo_id = self.ids.next["grants_demographics"]
        worker_group = self.groups["worker"]
        member0 = self.ids.take("accounts_user_groups", n)
        for i in range(n):
            uid = self.worker0 + i
            joined = _ts(self.start - rng.random() * 60 * DAY)
            users.row(
                [
                    uid,
                    "!bench",
                    N,
                    "f",
                    f"worker-{uid}@bench.example",
                    f"Worker {uid}",
                    "",
                    "en",
                    "t",
                    joined,
                    joined,
                ]
            )
            memberships.row([member0 + i, uid, worker_group])
            age = min(70, max(17, int(rng.gauss(36, 11))))
            birth = dt.date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
            self.worker_birth_year.append(birth.year)
            veteran_claim = veterans[i] == "yes" and rng.random() < 0.8
            disability_claim = disabilities[i] == "yes" and rng.random() < 0.5
            if veteran_claim:
                priority = ("veteran", 0)
            elif employment[i] == "unemployed":
                priority = ("unemployed", 1)
            elif income[i] == "under_25k":
                priority = ("low_income", 2)
            else:
                priority = ("", 99)
            self.worker_priority.append(priority)
            profiles.row(
                [
                    profile0 + i,
                    uid,
                    regions[i],
                    f"{i} Main Street",
                    birth.isoformat(),
                    employment[i],
                    income[i],
                    "t" if veteran_claim else "f",
                    "t" if disability_claim else "f",
                    "t" if rng.random() < 0.3 else "f",
                    N,
                    joined,
                ]
            )
            if rng.random() < 0.75:
                answers, group = races[i]
                demographics.row(
                    [demo_id, uid, answers, sexes[i], veterans[i], disabilities[i], group, joined]
                )
                demo_id += 1
        self.ids.next["grants_demographics"] = demo_id

    # ------------------------------------------------------------ programs and catalog

    def catalog(self) -> None:
        rng = self.rng
        providers = self.copier("programs_trainingprovider", ["id", "name", "registration_number", "website"])
        provider0 = self.ids.take("programs_trainingprovider", N_PROVIDERS)
        for i in range(N_PROVIDERS):
            providers.row([provider0 + i, f"Bench Training Provider {i}", f"BENCH-GEN-{provider0 + i}", ""])
        credentials = self.copier(
            "programs_credential",
            [
                "id",
                "title",
                "provider_id",
                "description",
                "hours",
                "duration_weeks",
                "cost",
                "currency",
                "delivery_mode",
                "credential_engine_ctid",
                "website",
                "badge_achievement_id",
                "is_listed",
                "created_at",
            ],
        )
        credential0 = self.ids.take("programs_credential", N_CREDENTIALS)
        self.credential_cost: dict[int, int] = {}
        self.credential_weeks: dict[int, int] = {}
        created = _ts(self.start - 90 * DAY)
        for i in range(N_CREDENTIALS):
            cid = credential0 + i
            cost = rng.randrange(5, 150) * 10000  # 500.00 to 14,900.00
            weeks = rng.randint(2, 40)
            self.credential_cost[cid] = cost
            self.credential_weeks[cid] = weeks
            credentials.row(
                [
                    cid,
                    f"{FIELDS[i % len(FIELDS)]} Certificate {cid}",
                    provider0 + i % N_PROVIDERS,
                    "Benchmark credential.",
                    weeks * 20,
                    weeks,
                    _money(cost),
                    "USD",
                    rng.choice(["in_person", "online", "hybrid"]),
                    N,
                    "",
                    "",
                    "t",
                    created,
                ]
            )

        programs = self.copier(
            "programs_program",
            [
                "id",
                "code",
                "name",
                "summary",
                "description",
                "funding_agency",
                "currency",
                "status",
                "payment_model",
                "applicant_type",
                "selection_method",
                "priority_order",
                "co_payment_percent",
                "claim_deadline_weeks",
                "retention_period_months",
                "training_window_months",
                "claim_evidence",
                "wage_floor",
                "created_at",
                "updated_at",
            ],
        )
        managers = self.copier("programs_program_managers", ["id", "program_id", "user_id"])
        funded = self.copier(
            "programs_programcredential", ["id", "program_id", "credential_id", "maximum_amount"]
        )
        rounds = self.copier(
            "programs_fundinground", ["id", "program_id", "name", "opens_at", "closes_at", "budget_share"]
        )
        n = self.sizes.programs
        self.program0 = self.ids.take("programs_program", n)
        self.program_credentials: list[list[int]] = []
        self.program_rounds: list[list[int]] = []
        self.program_employer: list[bool] = []
        self.program_weights = [1 / (k + 1) ** 0.5 for k in range(n)]
        for k in range(n):
            pid = self.program0 + k
            employer_program = k % 4 == 3
            self.program_employer.append(employer_program)
            programs.row(
                [
                    pid,
                    f"BENCH-{k + 1:02d}",
                    f"Benchmark program {k + 1}",
                    "Benchmark data.",
                    "",
                    "Benchmark agency",
                    "USD",
                    "closed" if k >= n - 2 else "open",
                    "reimbursement" if employer_program else "voucher",
                    "employer" if employer_program else "worker",
                    "scored" if k % 3 == 0 else "first_come",
                    '["veteran", "unemployed", "low_income"]',
                    "0.00",
                    N,
                    N,
                    12,
                    "[]",
                    N,
                    created,
                    created,
                ]
            )
            managers.row(
                [
                    self.ids.take("programs_program_managers"),
                    pid,
                    self.staff["program_manager"][k % len(self.staff["program_manager"])],
                ]
            )
            chosen = rng.sample(range(credential0, credential0 + N_CREDENTIALS), 100)
            self.program_credentials.append(chosen)
            for cid in chosen:
                funded.row([self.ids.take("programs_programcredential"), pid, cid, N])
            round_ids = []
            for q, opens in enumerate(self.quarter_starts):
                rid = self.ids.take("programs_fundinground")
                round_ids.append(rid)
                closes = self.quarter_starts[q + 1] if q + 1 < QUARTERS else opens + 92 * DAY
                rounds.row([rid, pid, self.quarter_names[q], _ts(opens), _ts(closes - 1), N])
            self.program_rounds.append(round_ids)
        self.ledgers = [Ledger() for _k in range(n)]

    # ------------------------------------------------------------ employers

    def employers(self) -> None:
        rng, n = self.rng, self.sizes.employers
        users = self._user_copier()
        memberships = self.copier("accounts_user_groups", ["id", "user_id", "group_id"])
        employers = self.copier(
            "employers_employer",
            [
                "id",
                "legal_name",
                "trading_name",
                "registration_number",
                "naics_code",
                "size_class",
                "region",
                "address",
                "website",
                "status",
                "verified_at",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        )
        reps = self.copier(
            "employers_representative",
            [
                "id",
                "employer_id",
                "user_id",
                "added_by_id",
                "added_at",
                "removed_at",
                "removed_by_id",
                "removal_reason",
            ],
        )
        pledges = self.copier(
            "employers_pledge",
            [
                "id",
                "employer_id",
                "framework_name",
                "start_date",
                "target_date",
                "roles_converted_target",
                "credential_holder_hires_target",
                "non_degree_hires_target",
                "priority_group_hires_target",
                "wage_floor",
                "status",
                "staff_note",
                "submitted_at",
                "activated_at",
                "closed_at",
                "created_by_id",
                "created_at",
                "updated_at",
            ],
        )
        reports = self.copier(
            "employers_progressreport",
            [
                "id",
                "pledge_id",
                "year",
                "quarter",
                "roles_converted",
                "hires_total",
                "hires_credential_holders",
                "hires_without_degree",
                "hires_priority_groups",
                "evidence",
                "evidence_name",
                "evidence_sha256",
                "status",
                "verified_roles_converted",
                "verified_hires_total",
                "verified_hires_credential_holders",
                "verified_hires_without_degree",
                "verified_hires_priority_groups",
                "verified_by_id",
                "verified_at",
                "staff_note",
                "submitted_by_id",
                "submitted_at",
            ],
        )
        self.employer0 = self.ids.take("employers_employer", n)
        self.rep0 = self.ids.take("accounts_user", n)
        group = self.groups["employer_representative"]
        regions = _weighted(rng, REGIONS, n)
        official = self.staff["administrator"][0]
        for i in range(n):
            eid, uid = self.employer0 + i, self.rep0 + i
            created = self.start - rng.random() * 120 * DAY
            users.row(
                [
                    uid,
                    "!bench",
                    N,
                    "f",
                    f"rep-{uid}@bench.example",
                    f"Representative {uid}",
                    "",
                    "en",
                    "t",
                    _ts(created),
                    _ts(created),
                ]
            )
            memberships.row([self.ids.take("accounts_user_groups"), uid, group])
            r = rng.random()
            status = "verified" if r < 0.85 else "pending" if r < 0.95 else "suspended"
            employers.row(
                [
                    eid,
                    f"Bench Employer {eid} Inc",
                    "",
                    f"{20 + i % 60:02d}-{eid:07d}",
                    rng.choice(NAICS),
                    rng.choice(["1-50", "51-200", "201+"]),
                    regions[i],
                    f"{i} Industrial Way",
                    "",
                    status,
                    _ts(created + 3 * DAY) if status != "pending" else N,
                    uid,
                    _ts(created),
                    _ts(created),
                ]
            )
            reps.row([self.ids.take("employers_representative"), eid, uid, N, _ts(created), N, N, ""])
            if status != "verified" or rng.random() >= 0.3:
                continue
            r = rng.random()
            pledge_status = (
                "active"
                if r < 0.55
                else "fulfilled"
                if r < 0.7
                else "lapsed"
                if r < 0.8
                else "submitted"
                if r < 0.9
                else "draft"
                if r < 0.95
                else "withdrawn"
            )
            start = self.start + rng.random() * 300 * DAY
            target = start + 365 * DAY * rng.choice([1, 2, 3])
            pid = self.ids.take("employers_pledge")
            live = pledge_status in {"active", "fulfilled", "lapsed"}
            closed = pledge_status in {"fulfilled", "lapsed", "withdrawn"}
            targets = [rng.randint(0, 10), rng.randint(1, 40), rng.randint(1, 30), rng.randint(0, 10)]
            pledges.row(
                [
                    pid,
                    eid,
                    "Skills-first hiring pledge",
                    _day(start),
                    _day(target),
                    *targets,
                    N,
                    pledge_status,
                    "",
                    _ts(start) if pledge_status != "draft" else N,
                    _ts(start + 7 * DAY) if live else N,
                    _ts(min(self.now - DAY, start + 400 * DAY)) if closed else N,
                    uid,
                    _ts(start),
                    _ts(start),
                ]
            )
            if not live:
                continue
            q = 0
            while q < QUARTERS and self.quarter_starts[q] < start:
                q += 1
            for quarter in range(q, QUARTERS - 1):  # reports for finished quarters
                label = self.quarter_names[quarter]
                year, number = int(label[:4]), int(label[-1])
                total = rng.randint(0, 12)
                figures = [
                    rng.randint(0, 2),
                    total,
                    rng.randint(0, total),
                    rng.randint(0, total),
                    rng.randint(0, total),
                ]
                verified = rng.random() < 0.85
                submitted = self.quarter_starts[quarter + 1] + rng.random() * 20 * DAY
                reports.row(
                    [
                        self.ids.take("employers_progressreport"),
                        pid,
                        year,
                        number,
                        *figures,
                        f"employer-reports/bench/{pid}-{label[-2:]}.csv",
                        "payroll.csv",
                        "0" * 64,
                        "verified" if verified else "submitted",
                        *(figures if verified else [N] * 5),
                        official if verified else N,
                        _ts(submitted + 5 * DAY) if verified else N,
                        "",
                        uid,
                        _ts(submitted),
                    ]
                )

    # ------------------------------------------------------------ applications and what follows them

    def applications(self) -> None:
        rng, sizes, now = self.rng, self.sizes, self.now
        applications = self.copier(
            "grants_application",
            [
                "id",
                "reference",
                "applicant_id",
                "filed_by_id",
                "employer_id",
                "employee_linked_at",
                "program_id",
                "funding_round_id",
                "credential_id",
                "status",
                "amount_requested",
                "amount_awarded",
                "statement",
                "profile_snapshot",
                "eligibility_snapshot",
                "cap_snapshot",
                "priority_group",
                "applicant_region",
                "applicant_age_band",
                "priority_rank",
                "score",
                "rejection_reason",
                "decision_explanation",
                "decided_by_id",
                "submitted_at",
                "decided_at",
                "training_deadline",
                "enrolled_at",
                "training_start_date",
                "completed_on",
                "amount_paid",
                "amount_clawed_back",
                "closed_at",
                "created_at",
                "updated_at",
            ],
        )
        claims = self.copier(
            "grants_completionclaim",
            [
                "id",
                "application_id",
                "claimed_by_id",
                "status",
                "completed_on",
                "invoice_amount",
                "badge",
                "badge_checks",
                "submitted_at",
                "decided_by_id",
                "decided_at",
                "decision_note",
            ],
        )
        payments = self.copier(
            "grants_payment",
            [
                "id",
                "reference",
                "idempotency_key",
                "application_id",
                "claim_id",
                "batch_id",
                "status",
                "amount",
                "currency",
                "payee_type",
                "payee_name",
                "payee_reference",
                "approved_by_id",
                "approved_at",
                "attempts",
                "failure_reason",
                "paid_on",
                "updated_at",
            ],
        )
        clawbacks = self.copier(
            "grants_clawback",
            [
                "id",
                "created_at",
                "application_id",
                "payment_id",
                "amount",
                "reason_code",
                "explanation",
                "recorded_by_id",
            ],
        )
        outcomes = self.copier(
            "grants_outcome",
            [
                "id",
                "application_id",
                "worker_id",
                "source",
                "quarter_after_completion",
                "employment_status",
                "employer_name",
                "occupation_code",
                "annual_wage",
                "observed_on",
                "hire_id",
                "recorded_by_id",
                "created_at",
            ],
        )
        n = sizes.applications
        first = self.ids.take("grants_application", n)
        programs = rng.choices(range(sizes.programs), self.program_weights, k=n)
        finance = self.staff["finance_officer"]
        span = now - 3600 - self.start
        active_pairs: set[int] = set()
        random, randint, expo = rng.random, rng.randint, rng.expovariate
        outcome_statuses = _weighted(rng, OUTCOME_STATUS, 64)
        for i in range(n):
            aid = first + i
            k = programs[i]
            pid = self.program0 + k
            worker = rng.randrange(sizes.workers)
            applicant = self.worker0 + worker
            credential = rng.choice(self.program_credentials[k])
            if self.program_employer[k]:
                e = rng.randrange(sizes.employers)
                employer, filed_by = str(self.employer0 + e), self.rep0 + e
            else:
                employer, filed_by = N, applicant
            requested = self.credential_cost[credential]
            status = "draft"
            submitted = decided = enrolled = deadline = start_day = completed = closed = None
            awarded = paid = recovered = 0
            rejection = explanation = priority_group = region = age_band = ""
            rank, score, decider = 99, N, N
            claim: tuple[str, float, float | None] | None = None  # status, submitted, decided
            pay: tuple[str, float, float | None] | None = None  # status, approved, paid
            clawback_at = None
            if random() < 0.03:  # a draft, started lately
                created = now - random() * 45 * DAY
                round_id = self.program_rounds[k][-1]
            else:
                submitted = self.start + span * random() ** 0.8  # more applications lately
                created = submitted - random() * 5 * DAY
                quarter = min(QUARTERS - 1, int((submitted - self.start) / (span / QUARTERS + 1)))
                while quarter + 1 < QUARTERS and self.quarter_starts[quarter + 1] <= submitted:
                    quarter += 1
                while quarter > 0 and self.quarter_starts[quarter] > submitted:
                    quarter -= 1
                round_id = self.program_rounds[k][quarter]
                region = self.worker_region[worker]
                age = dt.datetime.fromtimestamp(submitted, dt.UTC).year - self.worker_birth_year[worker]
                age_band = (
                    "65_plus"
                    if age >= 65
                    else "55_64"
                    if age >= 55
                    else "45_54"
                    if age >= 45
                    else "35_44"
                    if age >= 35
                    else "25_34"
                    if age >= 25
                    else "18_24"
                    if age >= 18
                    else "under_18"
                )
                priority_group, rank = self.worker_priority[worker]
                decision = submitted + (2 + min(expo(1 / 12), 90)) * DAY
                r = random()
                if decision > now:
                    status = (
                        "submitted"
                        if r < 0.35
                        else "in_review"
                        if r < 0.8
                        else "more_info_requested"
                        if r < 0.95
                        else "withdrawn"
                    )
                    if status == "withdrawn":
                        closed = submitted + (now - submitted) * random()
                elif r < 0.04:
                    status, closed = "withdrawn", submitted + (decision - submitted) * random()
                elif r < 0.40:
                    status, decided = "rejected", decision
                    rejection = REJECTIONS[int(random() * len(REJECTIONS))]
                    explanation = "Benchmark decision."
                else:
                    status, decided = "approved", decision
                    pair = applicant * 100_000 + credential
                    if pair in active_pairs:  # one active award per person and credential
                        status, rejection = "rejected", "duplicate_funding"
                        explanation = "The credential is already funded."
                    else:
                        awarded = requested
                if decided is not None:
                    decider = self.deciders[int(random() * len(self.deciders))]
                    if k % 3 == 0:
                        score = f"{1 + random() * 4:.3f}"
                if awarded:
                    deadline = decided + 365 * DAY
                    self._ledger(
                        k,
                        decided,
                        "commitment",
                        awarded,
                        f"application:{aid}:commit",
                        round_id,
                        self.ct_application,
                        aid,
                    )
                    r = random()
                    end = None
                    if r < 0.05:
                        end, end_status = decided + randint(5, 60) * DAY, "cancelled"
                    elif r < 0.12:
                        end, end_status = deadline, "expired"
                    enrol = decided + randint(3, 30) * DAY
                    if end is not None and end <= now and (end_status == "expired" or end < enrol):
                        status, closed = end_status, end
                        self._ledger(
                            k,
                            end,
                            "release",
                            awarded,
                            f"application:{aid}:release",
                            round_id,
                            self.ct_application,
                            aid,
                        )
                    elif enrol <= now:
                        status, enrolled = "enrolled", enrol
                        start_day = enrol + randint(0, 14) * DAY
                        finish = start_day + self.credential_weeks[credential] * 7 * DAY
                        claimed_at = finish + randint(1, 20) * DAY
                        if end is not None and end <= now and end_status == "cancelled" and end < claimed_at:
                            status, closed = "cancelled", min(max(end, enrol + DAY), now)
                            self._ledger(
                                k,
                                closed,
                                "release",
                                awarded,
                                f"application:{aid}:release",
                                round_id,
                                self.ct_application,
                                aid,
                            )
                        elif claimed_at <= now:
                            completed = finish
                            status = "completion_claimed"
                            verified_at = claimed_at + randint(2, 15) * DAY
                            claim = ("submitted", claimed_at, None)
                            if verified_at <= now:
                                status = "completion_verified"
                                claim = ("verified", claimed_at, verified_at)
                                scheduled = verified_at + randint(1, 5) * DAY
                                if scheduled <= now:
                                    status = "payment_scheduled"
                                    paid_at = scheduled + randint(7, 21) * DAY
                                    pay = ("approved", scheduled, None)
                                    if paid_at <= now:
                                        status, closed = "paid", paid_at
                                        pay = ("paid", scheduled, paid_at)
                                        paid = awarded
                                        if random() < 0.1:  # the invoice came in under the award
                                            paid = awarded * randint(85, 99) // 100
                                        clawback_at = paid_at + randint(30, 200) * DAY
                                        if random() < 0.03 and clawback_at <= now:
                                            status = "clawed_back"
                                            recovered = paid if random() < 0.6 else paid // 2
                                        else:
                                            clawback_at = None
            if status in ACTIVE_AWARD:
                active_pairs.add(applicant * 100_000 + credential)
            applications.row(
                [
                    aid,
                    f"B-{aid:09d}",
                    applicant,
                    filed_by,
                    employer,
                    _ts(created + DAY) if employer != N else N,
                    pid,
                    round_id,
                    credential,
                    status,
                    _money(requested),
                    _money(awarded) if awarded else N,
                    "Benchmark statement.",
                    "{}",
                    "[]",
                    "{}",
                    priority_group,
                    region,
                    age_band,
                    rank,
                    score,
                    rejection,
                    explanation,
                    decider,
                    _ts(submitted) if submitted else N,
                    _ts(decided) if decided else N,
                    _day(deadline) if deadline else N,
                    _ts(enrolled) if enrolled else N,
                    _day(start_day) if start_day else N,
                    _day(completed) if completed else N,
                    _money(paid),
                    _money(recovered),
                    _ts(closed) if closed else N,
                    _ts(created),
                    _ts(max(x for x in (created, submitted, decided, closed, enrolled) if x)),
                ]
            )
            if claim is not None:
                claim_id = self.ids.take("grants_completionclaim")
                claim_status, claimed_at, claim_decided = claim
                claims.row(
                    [
                        claim_id,
                        aid,
                        filed_by,
                        claim_status,
                        _day(completed),
                        N,
                        "",
                        "{}",
                        _ts(claimed_at),
                        decider if claim_decided else N,
                        _ts(claim_decided) if claim_decided else N,
                        "",
                    ]
                )
            if pay is not None:
                payment_id = self.ids.take("grants_payment")
                pay_status, approved_at, paid_at = pay
                payments.row(
                    [
                        payment_id,
                        f"PAY-{payment_id:09d}",
                        f"application:{aid}:payment",
                        aid,
                        claim_id,
                        N,
                        pay_status,
                        _money(awarded if pay_status != "paid" else paid),
                        "USD",
                        "employer" if employer != N else "worker",
                        f"Payee {filed_by}",
                        f"BENCH-{filed_by}",
                        finance[aid % len(finance)],
                        _ts(approved_at),
                        1,
                        "",
                        _day(paid_at) if paid_at else N,
                        _ts(paid_at or approved_at),
                    ]
                )
                if paid_at is not None:
                    self._ledger(
                        k,
                        paid_at,
                        "disbursement",
                        paid,
                        f"payment:{payment_id}:disburse",
                        round_id,
                        self.ct_payment,
                        payment_id,
                    )
                    if paid < awarded:
                        self._ledger(
                            k,
                            paid_at,
                            "release",
                            awarded - paid,
                            f"application:{aid}:release-rest",
                            round_id,
                            self.ct_application,
                            aid,
                        )
                if clawback_at is not None:
                    clawback_id = self.ids.take("grants_clawback")
                    clawbacks.row(
                        [
                            clawback_id,
                            _ts(clawback_at),
                            aid,
                            payment_id,
                            _money(recovered),
                            CLAWBACK_REASONS[aid % len(CLAWBACK_REASONS)],
                            "Benchmark recovery.",
                            finance[0],
                        ]
                    )
                    self._ledger(
                        k,
                        clawback_at,
                        "clawback",
                        recovered,
                        f"clawback:{clawback_id}",
                        round_id,
                        self.ct_clawback,
                        clawback_id,
                    )
            if completed is not None and status in COMPLETED:
                for quarter, answer_rate in ((2, 0.65), (4, 0.55)):
                    observed = completed + quarter * 91 * DAY
                    if observed > now or random() >= answer_rate:
                        continue
                    employment = outcome_statuses[int(random() * 64)]
                    employed = employment in ("employed", "self_employed")
                    wage = (28000 + int(expo(1 / 18000)) + quarter * 1000) * 100 if employed else None
                    outcomes.row(
                        [
                            self.ids.take("grants_outcome"),
                            aid,
                            applicant,
                            "self_reported",
                            quarter,
                            employment,
                            "Bench Employer" if employed else "",
                            "",
                            _money(wage) if wage else N,
                            _day(observed),
                            N,
                            applicant,
                            _ts(observed + DAY),
                        ]
                    )
        self.write_ledger()

    def _ledger(
        self,
        k: int,
        at: float,
        kind: str,
        cents: int,
        key: str,
        round_id: int,
        subject_type: int,
        subject: int,
    ) -> None:
        self.ledgers[k].entries.append((at, kind, cents, key, round_id, subject_type, str(subject)))

    def write_ledger(self) -> None:
        """Each budget's entries in time order with running totals; the budget row holds the final totals,
        and its total (one opening adjustment) leaves a fifth of the money uncommitted."""
        budgets = self.copier(
            "programs_programbudget",
            ["id", "program_id", "currency", "total", "committed", "disbursed", "clawed_back", "updated_at"],
        )
        entries = self.copier(
            "programs_ledgerentry",
            [
                "id",
                "created_at",
                "budget_id",
                "kind",
                "amount",
                "currency",
                "funding_round_id",
                "actor_id",
                "reason",
                "idempotency_key",
                "reverses_id",
                "subject_type_id",
                "subject_id",
                "total_after",
                "committed_after",
                "disbursed_after",
            ],
        )
        reasons = {
            "commitment": "Award approved",
            "release": "Award released",
            "disbursement": "Payment made",
            "clawback": "Money recovered",
        }
        for k, ledger in enumerate(self.ledgers):
            pid = self.program0 + k
            bid = self.ids.take("programs_programbudget")
            ledger.entries.sort(key=lambda entry: entry[0])
            peak = committed = disbursed = clawed = 0
            for _at, kind, cents, *_rest in ledger.entries:
                if kind == "commitment":
                    committed += cents
                elif kind == "release":
                    committed -= cents
                elif kind == "disbursement":
                    committed -= cents
                    disbursed += cents
                else:
                    disbursed -= cents
                    clawed += cents
                peak = max(peak, committed + disbursed)
            total = max(100_000_00, math.ceil(peak * 1.25 / 100_000_00) * 100_000_00)
            budgets.row(
                [
                    bid,
                    pid,
                    "USD",
                    _money(total),
                    _money(committed),
                    _money(disbursed),
                    _money(clawed),
                    _ts(self.now),
                ]
            )
            opening = self.start - DAY
            entries.row(
                [
                    self.ids.take("programs_ledgerentry"),
                    _ts(opening),
                    bid,
                    "adjustment",
                    _money(total),
                    "USD",
                    N,
                    self.staff["finance_officer"][0],
                    "Opening budget",
                    f"program:{pid}:opening-budget",
                    N,
                    N,
                    "",
                    _money(total),
                    "0.00",
                    "0.00",
                ]
            )
            committed = disbursed = 0
            for at, kind, cents, key, round_id, subject_type, subject in ledger.entries:
                if kind == "commitment":
                    committed += cents
                elif kind == "release":
                    committed -= cents
                elif kind == "disbursement":
                    committed -= cents
                    disbursed += cents
                else:
                    disbursed -= cents
                entries.row(
                    [
                        self.ids.take("programs_ledgerentry"),
                        _ts(at),
                        bid,
                        kind,
                        _money(cents),
                        "USD",
                        round_id,
                        N,
                        reasons[kind],
                        key,
                        N,
                        subject_type,
                        subject,
                        _money(total),
                        _money(committed),
                        _money(disbursed),
                    ]
                )
            ledger.entries.clear()


# ---------------------------------------------------------------- command line


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=100_000, help="Applications (default 100000).")
    parser.add_argument("--workers", type=int, help="Workers (default applications / 5).")
    parser.add_argument("--employers", type=int, help="Employers (default applications / 200).")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument(
        "--if-empty", action="store_true", help="Do nothing if the database already holds applications."
    )
    parser.add_argument(
        "--reset", action="store_true", help="Empty the database first (flush) if it already holds data."
    )
    parser.add_argument(
        "--check-foreign-keys",
        action="store_true",
        help="Keep PostgreSQL's foreign-key checks on during the load (slower; the test does this).",
    )
    return parser.parse_args()


def fill_record() -> Path:
    """Where the last fill of this database is recorded (one file per database)."""
    from django.conf import settings

    return ROOT / "var" / f"bench-fill-{settings.DATABASES['default']['NAME']}.json"


def guard_database() -> None:
    """Refuse any database that is not PostgreSQL or whose name does not say it is for benchmarks."""
    from django.conf import settings
    from django.db import connection

    name = str(settings.DATABASES["default"]["NAME"])
    if connection.vendor != "postgresql" or "bench" not in name:
        raise SystemExit(
            f"Refusing to run on {connection.vendor} database {name!r}: point DATABASE_URL at a PostgreSQL "
            "database whose name contains 'bench', e.g. postgres://postgres@127.0.0.1:5432/skillsfund_bench"
        )


def main() -> None:
    args = _parse()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from grants.models import Application

    guard_database()
    call_command("migrate", verbosity=0)
    if Application.objects.exists():
        if args.if_empty:
            print(f"The benchmark database holds {Application.objects.count():,} applications: not refilled.")
            return
        if not args.reset:
            raise SystemExit("The benchmark database already holds applications; add --reset to refill it.")
        call_command("flush", interactive=False, verbosity=0)
    sizes = Sizes.for_applications(args.applications, args.workers, args.employers)
    started = time.perf_counter()
    counts = generate(sizes, seed=args.seed, check_foreign_keys=args.check_foreign_keys)
    loaded = time.perf_counter() - started
    with connection.cursor() as cursor:  # visibility map and planner statistics, as after autovacuum
        cursor.execute("VACUUM ANALYZE")
    total = time.perf_counter() - started
    record = fill_record()  # read by benchmarks/bench.py
    record.parent.mkdir(exist_ok=True)
    record.write_text(
        json.dumps(
            {
                "applications": sizes.applications,
                "rows": sum(counts.values()),
                "load_seconds": round(loaded, 1),
                "total_seconds": round(total, 1),
                "date": dt.datetime.now(dt.UTC).date().isoformat(),
            }
        )
    )
    width = max(len(table) for table in counts)
    for table, rows in counts.items():
        print(f"{table:<{width}} {rows:>12,}")
    print(
        f"\n{sizes.applications:,} applications, {sum(counts.values()):,} rows: loaded in {loaded:.1f} s, "
        f"{total:.1f} s with VACUUM ANALYZE"
    )


if __name__ == "__main__":
    main()
