"""House rules a grep can check: statuses change only through services, no domain signals, no float money."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["config", "core", "accounts", "programs", "employers", "grants", "reporting"]


def production_files() -> list[Path]:
    return [path for app in APPS for path in (ROOT / app).rglob("*.py") if "migrations" not in path.parts]


def offending_lines(pattern: str) -> list[str]:
    regex = re.compile(pattern)
    hits = []
    for path in production_files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if regex.search(line):
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return hits


def test_the_scan_sees_the_code() -> None:
    assert len(production_files()) > 30


def test_no_status_is_changed_by_a_queryset_update() -> None:
    assert offending_lines(r"\.update\([^)]*\bstatus\s*=") == []


def test_no_signals_carry_domain_logic() -> None:
    assert offending_lines(r"@receiver\(|post_save\.connect|pre_save\.connect") == []


def test_money_is_never_a_float() -> None:
    assert offending_lines(r"FloatField") == []
