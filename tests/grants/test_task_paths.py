"""Tasks moved with their areas (issue 15); migration grants/0008 points queued tasks at the new paths."""

import importlib

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

migration = importlib.import_module("grants.migrations.0008_task_paths")


def _queued(path: str, status: str = "READY") -> DBTaskResult:
    return DBTaskResult.objects.create(
        task_path=path,
        status=status,
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
    )


def test_every_new_path_is_a_task() -> None:
    for new in migration.MOVED.values():
        assert isinstance(import_string(new), Task), new


@pytest.mark.django_db
def test_a_task_queued_under_an_old_path_runs_under_its_new_one_and_finished_ones_keep_theirs() -> None:
    waiting = _queued("grants.tasks.expire_awards")
    letter = _queued("grants.tasks.generate_decision_letter")
    done = _queued("grants.tasks.send_outcome_follow_ups", status="SUCCESSFUL")
    other = _queued("reporting.tasks.refresh_report_summaries")

    migration.forwards(apps, None)

    paths = {r.pk: r.task_path for r in DBTaskResult.objects.all()}
    assert paths[waiting.pk] == "grants.awards.tasks.expire_awards"
    assert paths[letter.pk] == "grants.applications.tasks.generate_decision_letter"
    assert paths[done.pk] == "grants.tasks.send_outcome_follow_ups"
    assert paths[other.pk] == "reporting.tasks.refresh_report_summaries"

    migration.backwards(apps, None)
    assert DBTaskResult.objects.get(pk=waiting.pk).task_path == "grants.tasks.expire_awards"
