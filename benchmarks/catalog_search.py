"""Time the public catalog search (programs.selectors.catalog_search) at scale.

    DJANGO_DEBUG=true .venv/bin/python benchmarks/catalog_search.py --credentials 20000

Builds N credentials with providers, skills, occupations and program listings in bulk in a separate
database (SQLite file var/bench-catalog.sqlite3 unless DATABASE_URL says otherwise, e.g.
DATABASE_URL=postgres://postgres@127.0.0.1:5432/skillsfund_bench), then times each filter combination
as the catalog page runs it: the filters, the total count, and the first page of 20 rows with their
provider, skills and occupations. Prints the median and 95th percentile over repeated runs, and the
number of queries per page. The data is rebuilt only when the row count differs (or with --rebuild).
"""

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from random import Random
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{ROOT / 'var' / 'bench-catalog.sqlite3'}")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PAGE_SIZE = 20
BATCH = 2000
SEED = 20260301

# Words the generated catalog is made of; the searched words below occur at known frequencies.
FIELDS = [
    ("Cloud", "cloud"),
    ("Cybersecurity", "security"),
    ("Network", "network"),
    ("Data", "data"),
    ("Welding", "welding"),
    ("CNC Machining", "machining"),
    ("HVAC", "refrigeration"),
    ("Electrical", "wiring"),
    ("Pharmacy", "medication"),
    ("Nursing", "patient"),
    ("Phlebotomy", "blood"),
    ("Truck Driving", "driving"),
    ("Bookkeeping", "accounting"),
    ("Project Management", "planning"),
    ("Solar", "photovoltaic"),
    ("Automotive", "diagnostics"),
    ("Forklift", "warehouse"),
    ("UX Design", "prototyping"),
    ("Early Childhood", "children"),
    ("Food Safety", "hygiene"),
]
LEVELS = ["Foundations of", "Introduction to", "Applied", "Advanced", "Certified", "Professional"]
KINDS = ["Certificate", "Certification", "Badge", "Bootcamp", "Course", "Credential"]
VERBS = ["apply", "install", "maintain", "troubleshoot", "operate", "plan", "analyse", "inspect", "document"]
OBJECTS = [
    "systems",
    "equipment",
    "records",
    "procedures",
    "components",
    "processes",
    "standards",
    "tools",
    "controls",
    "networks",
    "materials",
    "reports",
]
MAJOR_GROUPS = [11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31, 33, 35, 37, 39, 41, 43, 45, 47, 49, 51, 53]
KNOWN_OCCUPATIONS = {"15-1212.00": "Information Security Analysts", "51-4121.00": "Welders"}


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--credentials", type=int, default=20000, help="Credentials to build (default 20000)."
    )
    parser.add_argument("--repeat", type=int, default=25, help="Timed runs per scenario (default 25).")
    parser.add_argument("--rebuild", action="store_true", help="Rebuild the data even if the count matches.")
    return parser.parse_args()


def _guard_database() -> None:
    from django.conf import settings

    db = settings.DATABASES["default"]
    if "bench" not in str(db["NAME"]):
        raise SystemExit(
            f"Refusing to run: the database {db['NAME']!r} does not look like a benchmark database. "
            "The script empties the database it uses; point DATABASE_URL at one whose name contains 'bench'."
        )


def _build(n_credentials: int) -> None:
    from django.core.management import call_command
    from django.db import transaction
    from tqdm import tqdm

    from programs.models import Credential, Occupation, Program, ProgramCredential, Skill, TrainingProvider

    rng = Random(SEED)
    call_command("flush", interactive=False, verbosity=0)
    n_providers = max(20, n_credentials // 40)
    n_skills = max(200, n_credentials // 7)
    n_occupations = max(100, min(900, n_credentials // 25))
    skill_through = Credential.skills.through
    occupation_through = Credential.occupations.through

    with transaction.atomic(), tqdm(total=4 + n_credentials, desc="Building catalog", unit="row") as bar:
        providers = TrainingProvider.objects.bulk_create(
            TrainingProvider(
                name=f"{rng.choice(['North', 'South', 'Metro', 'Coastal', 'Central'])} "
                f"{rng.choice(['Technical College', 'Training Center', 'Skills Academy', 'Institute'])} {i}",
                registration_number=f"BENCH-ETPL-{i:06d}",
                website=f"https://provider{i}.example/",
            )
            for i in range(n_providers)
        )
        bar.update(1)
        taxonomies = [
            (Skill.Taxonomy.ESCO, "1.2.0"),
            (Skill.Taxonomy.ONET, "29.0"),
            (Skill.Taxonomy.LIGHTCAST, "9.0"),
        ]
        skills = Skill.objects.bulk_create(
            Skill(
                taxonomy=taxonomies[i % 3][0],
                taxonomy_version=taxonomies[i % 3][1],
                code=f"bench-skill-{i}",
                label=f"{VERBS[i % len(VERBS)]} {FIELDS[i % len(FIELDS)][1]} {OBJECTS[i % len(OBJECTS)]} {i}",
            )
            for i in range(n_skills)
        )
        bar.update(1)
        codes = dict(KNOWN_OCCUPATIONS)
        while len(codes) < n_occupations:
            detail = rng.choice(["00", "00", "01", "02"])
            code = f"{rng.choice(MAJOR_GROUPS)}-{rng.randrange(1000, 9999)}.{detail}"
            codes.setdefault(
                code, f"{rng.choice(FIELDS)[0]} {rng.choice(['Technicians', 'Specialists', 'Operators'])}"
            )
        occupations = Occupation.objects.bulk_create(Occupation(code=c, title=t) for c, t in codes.items())
        bar.update(1)
        programs = Program.objects.bulk_create(
            Program(
                code=f"BENCH-{i}",
                name=f"Benchmark program {i}",
                summary="Benchmark data.",
                funding_agency="Benchmark agency",
                status=Program.Status.OPEN,
                payment_model=Program.PaymentModel.VOUCHER,
            )
            for i in range(6)
        )
        bar.update(1)

        # Skill and occupation popularity is skewed, as in real catalogs: a few are on many credentials.
        skill_weights = [1 / (rank + 1) ** 0.8 for rank in range(n_skills)]
        occupation_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(occupations))]
        modes = Credential.DeliveryMode.values
        for start in range(0, n_credentials, BATCH):
            size = min(BATCH, n_credentials - start)
            batch = []
            for i in range(start, start + size):
                field_name, word = FIELDS[rng.randrange(len(FIELDS))]
                title = f"{rng.choice(LEVELS)} {field_name} {rng.choice(KINDS)} {i}"
                batch.append(
                    Credential(
                        title=title,
                        provider=providers[rng.randrange(n_providers)],
                        description=(
                            f"Hands-on training in {word}: learners "
                            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} and "
                            f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} to industry standards."
                        ),
                        hours=rng.randrange(8, 900),
                        duration_weeks=rng.randrange(1, 53),
                        cost=Decimal(rng.randrange(0, 1500000)) / 100,
                        delivery_mode=rng.choice(modes),
                        ctid=f"ce-{uuid.UUID(int=rng.getrandbits(128), version=4)}"
                        if rng.random() < 0.3
                        else None,
                        is_listed=rng.random() < 0.95,
                    )
                )
            created = Credential.objects.bulk_create(batch)
            skill_rows, occupation_rows, program_rows = [], [], []
            for credential in created:
                for skill in {
                    skills[k] for k in rng.choices(range(n_skills), skill_weights, k=rng.randint(3, 8))
                }:
                    skill_rows.append(skill_through(credential_id=credential.pk, skill_id=skill.pk))
                chosen = rng.choices(range(len(occupations)), occupation_weights, k=rng.randint(1, 3))
                for occupation in {occupations[k] for k in chosen}:
                    occupation_rows.append(
                        occupation_through(credential_id=credential.pk, occupation_id=occupation.pk)
                    )
                for program in programs:
                    if rng.random() < 0.15:
                        program_rows.append(ProgramCredential(program=program, credential=credential))
            skill_through.objects.bulk_create(skill_rows)
            occupation_through.objects.bulk_create(occupation_rows)
            ProgramCredential.objects.bulk_create(program_rows)
            bar.update(size)


def _percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _scenarios() -> list[tuple[str, dict[str, Any]]]:
    from django.db.models import Count

    from programs.models import Skill, TrainingProvider

    by_use = Skill.objects.annotate(n=Count("credentials")).order_by("-n", "pk")
    popular = by_use.first()
    rare = by_use.filter(n__gte=1).order_by("n", "pk").first()
    provider = TrainingProvider.objects.order_by("pk").first()
    if popular is None or rare is None or provider is None:
        raise SystemExit("No benchmark data: run with --rebuild.")
    return [
        ("no filters", {}),
        ("text, one word", {"q": "welding"}),
        ("text, two words", {"q": "cloud certification"}),
        ("text, no match", {"q": "zzyzx"}),
        (f"skill, popular ({popular.n} credentials)", {"skill": str(popular.pk)}),
        (f"skill, rare ({rare.n})", {"skill": str(rare.pk)}),
        ("occupation 15-1212.00", {"occupation": "15-1212.00"}),
        ("provider", {"provider": str(provider.pk)}),
        ("online, cost <= 1,000", {"delivery_mode": "online", "cost_max": "1000"}),
        ("hours <= 120, cost >= 500", {"hours_max": "120", "cost_min": "500"}),
        ("funded by a program", {"program": "BENCH-1"}),
        (
            "text + mode + cost + skill",
            {"q": "security", "delivery_mode": "hybrid", "cost_max": "8000", "skill": str(popular.pk)},
        ),
    ]


def _page(params: dict[str, Any]) -> tuple[int, int]:
    """What the catalog page does: filter, count, fetch the first page with its prefetches."""
    from programs.selectors import catalog_search

    filterset, credentials = catalog_search(params)
    assert filterset.is_valid(), filterset.errors
    total = credentials.count()
    rows = list(credentials[:PAGE_SIZE])
    for credential in rows:
        _ = (credential.provider.name, list(credential.skills.all()), list(credential.occupations.all()))
    return total, len(rows)


def _time(run: Callable[[], object], repeat: int) -> list[float]:
    from django.db import reset_queries

    run()  # warm-up: caches, query plans
    samples = []
    for _run in range(repeat):
        reset_queries()
        start = time.perf_counter()
        run()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    args = _parse()
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from programs.models import Credential
    from programs.selectors import catalog_search

    _guard_database()
    call_command("migrate", verbosity=0)
    if args.rebuild or Credential.objects.count() != args.credentials:
        _build(args.credentials)
    with connection.cursor() as cursor:  # planner statistics, as a live database would have after a bulk load
        cursor.execute("ANALYZE")

    db = settings.DATABASES["default"]
    print(
        f"\nCatalog search over {Credential.objects.count():,} credentials "
        f"({Credential.objects.filter(is_listed=True).count():,} listed), {connection.vendor} "
        f"{connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''} at {db['NAME']}; "
        f"{args.repeat} runs each, first page of {PAGE_SIZE}, times in ms\n"
    )
    header = (
        f"{'scenario':<38} {'matches':>8} {'queries':>7} {'median':>8} {'p95':>8} {'count':>7} {'page':>7}"
    )
    print(header)
    print("-" * len(header))
    failures = []
    for name, params in _scenarios():
        reset_queries()  # DEBUG's query log is a bounded deque: a full one would capture nothing
        try:
            with CaptureQueriesContext(connection) as queries:
                total, _rows = _page(params)
        except Exception as error:  # report and go on: one broken filter should not hide the others
            failures.append(name)
            print(f"{name:<38} FAILED: {type(error).__name__}: {str(error).splitlines()[0][:120]}")
            continue
        samples = _time(lambda params=params: _page(params), args.repeat)
        count_only = _time(lambda params=params: catalog_search(params)[1].count(), max(5, args.repeat // 3))
        page_only = _time(
            lambda params=params: [
                (c.provider.name, list(c.skills.all()), list(c.occupations.all()))
                for c in catalog_search(params)[1][:PAGE_SIZE]
            ],
            max(5, args.repeat // 3),
        )
        print(
            f"{name:<38} {total:>8,} {len(queries):>7} {statistics.median(samples):>8.1f} "
            f"{_percentile(samples, 0.95):>8.1f} {statistics.median(count_only):>7.1f} "
            f"{statistics.median(page_only):>7.1f}"
        )
    print(
        "\nmedian/p95: filter + count + first page with prefetches; count, page: medians of each part alone."
    )
    if failures:
        raise SystemExit(f"{len(failures)} scenario(s) failed: {', '.join(failures)}")


if __name__ == "__main__":
    main()
