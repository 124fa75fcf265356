"""core.workflow: one way a status changes, for every model that has a transition table."""

import pytest
from django.apps import apps
from django.utils import timezone

from core.exceptions import Conflict
from core.workflow import check_move, may_move, refused, transition
from grants.models import Application, ApplicationEvent
from programs.models import Program, ProgramEvent
from tests.grants.factories import submitted_application

pytestmark = pytest.mark.django_db
S = Application.Status


def workflow_models() -> list[type]:
    return [model for model in apps.get_models() if hasattr(model, "TRANSITIONS")]


def test_every_model_with_a_transition_table_says_where_its_moves_are_recorded() -> None:
    models = workflow_models()
    assert len(models) >= 10
    for model in models:
        assert hasattr(model, "WORKFLOW_EVENT"), model.__name__
        statuses = {value for value, _label in model._meta.get_field("status").flatchoices}
        assert set(model.TRANSITIONS) == statuses, f"{model.__name__}: a table row for every status"
        for targets in model.TRANSITIONS.values():
            assert targets <= statuses, model.__name__
        if model.WORKFLOW_EVENT is not None:
            label, subject = model.WORKFLOW_EVENT
            event = apps.get_model(label)
            assert event._meta.get_field(subject).related_model is model
            names = {field.name for field in event._meta.get_fields()}
            assert {"actor", "from_status", "to_status", "reason"} <= names, label


def test_a_move_writes_the_status_the_other_fields_and_the_event_together() -> None:
    application = submitted_application()
    manager = application.program.managers.first()
    before = application.updated_at
    application.decision_explanation = "Checked"
    event = transition(
        application,
        S.IN_REVIEW,
        actor=manager,
        action="review_started",
        reason="Taking it",
        payload={"n": 1},
        fields=("decision_explanation",),
        visibility=ApplicationEvent.Visibility.STAFF,
    )
    application.refresh_from_db()
    assert application.status == S.IN_REVIEW
    assert application.decision_explanation == "Checked"
    assert application.updated_at > before
    assert isinstance(event, ApplicationEvent)
    assert (event.from_status, event.to_status, event.action, event.reason) == (
        S.SUBMITTED,
        S.IN_REVIEW,
        "review_started",
        "Taking it",
    )
    assert (event.actor, event.payload, event.visibility) == (manager, {"n": 1}, "staff")


def test_a_move_not_in_the_table_is_refused_in_the_models_words_and_changes_nothing() -> None:
    application = submitted_application()
    events = application.events.count()
    assert not may_move(application, S.PAID)
    with pytest.raises(Conflict) as refusal:
        transition(application, S.PAID, actor=None)
    assert str(refusal.value) == "An application that is “Submitted” cannot become “Paid”."
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    assert application.events.count() == events
    with pytest.raises(Conflict):
        check_move(application, S.PAID)


def test_the_refusal_uses_the_models_own_message() -> None:
    program = Program(code="X", name="X", status=Program.Status.ARCHIVED)
    assert refused(program, Program.Status.OPEN) == "A program that is archived cannot become open."
    application = Application(status=S.DRAFT)
    assert refused(application, S.PAID) == "An application that is “Draft” cannot become “Paid”."


def test_a_program_move_writes_a_program_event() -> None:
    application = submitted_application()
    program = application.program
    manager = program.managers.first()
    transition(program, Program.Status.CLOSED, actor=manager, action="status", reason="Round over")
    event = ProgramEvent.objects.filter(program=program).order_by("id").last()
    assert event is not None
    assert (event.from_status, event.to_status, event.reason, event.action) == (
        "open",
        "closed",
        "Round over",
        "status",
    )
    assert event.created_at <= timezone.now()
