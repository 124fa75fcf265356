"""House rules a grep can check: statuses change only through services, no domain signals, no float money."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APPS = ["config", "core", "accounts", "programs", "employers", "grants", "reporting", "demo"]


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


# The one place a status is set (core.workflow.transition); and the demo data's past histories, built in
# bulk with their events in demo/history.py (the demo app, never installed in production).
STATUS_SETTERS = {"core/workflow.py", "demo/history.py"}


def status_changes(tree: ast.AST) -> list[int]:
    """Lines of a module that set a `status` attribute (`x.status = ...`, in a tuple too) or pass
    `status=` to a queryset's update() or name it in bulk_update()."""
    lines = []
    for node in ast.walk(tree):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        for target in targets:
            for item in target.elts if isinstance(target, ast.Tuple | ast.List) else [target]:
                if isinstance(item, ast.Attribute) and item.attr == "status":
                    lines.append(node.lineno)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update" and any(keyword.arg == "status" for keyword in node.keywords):
                lines.append(node.lineno)
            if node.func.attr == "bulk_update" and any(
                isinstance(part, ast.Constant) and part.value == "status" for part in ast.walk(node)
            ):
                lines.append(node.lineno)
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "setattr"
            and len(node.args) > 1
            and isinstance(node.args[1], ast.Constant)
            and node.args[1].value == "status"
        ):
            lines.append(node.lineno)
    return sorted(set(lines))


def test_statuses_change_only_through_the_workflow() -> None:
    hits = []
    for path in production_files():
        name = str(path.relative_to(ROOT))
        if name in STATUS_SETTERS:
            continue
        hits += [f"{name}:{line}" for line in status_changes(ast.parse(path.read_text()))]
    assert hits == [], "set statuses with core.workflow.transition()"


def test_the_status_scan_finds_each_way_of_setting_a_status() -> None:
    source = """
application.status = "approved"
batch.status, batch.sent_at = "sent", now
Payment.objects.filter(pk=1).update(status="paid")
Pledge.objects.bulk_update(pledges, ["status"])
setattr(job, "status", "done")
application.status == "draft"
Application(status="draft")
"""
    assert status_changes(ast.parse(source)) == [2, 3, 4, 5, 6]


def test_row_locks_are_taken_only_through_the_workflow() -> None:
    """core.workflow.lock()/lock_rows() check the model against the one lock order (ADR 0009)."""
    hits = offending_lines(r"select_for_update\(")
    assert [hit for hit in hits if not hit.startswith("core/workflow.py:")] == []
    assert hits  # the scan sees workflow's own


def test_no_signals_carry_domain_logic() -> None:
    assert offending_lines(r"@receiver\(|post_save\.connect|pre_save\.connect") == []


def test_money_is_never_a_float() -> None:
    assert offending_lines(r"FloatField") == []


# A unit a person can read in one sitting (issue 15): a module that grows past this is split by what it
# does. Demo data builders are not product code (the demo app is never installed in production).
MOST_LINES = 600


def test_no_product_module_outgrows_one_reading() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {lines} lines"
        for path in production_files()
        if "demo" not in path.relative_to(ROOT).parts[:1]
        and (lines := len(path.read_text().splitlines())) > MOST_LINES
    ]
    assert long == []


def test_every_workflow_event_shares_the_event_base() -> None:
    from django.apps import apps

    from core.models import StatusEvent

    events = {
        model.WORKFLOW_EVENT[0]
        for model in apps.get_models()
        if getattr(model, "WORKFLOW_EVENT", None) is not None
    }
    assert len(events) >= 6
    assert [label for label in sorted(events) if not issubclass(apps.get_model(label), StatusEvent)] == []
