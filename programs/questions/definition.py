"""A form's questions in order: what keeps it from being published, which questions are shown for the
answers given so far, and the cleaning of a set of answers (the pages and the API call the same)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from programs.questions.kinds import QUESTION_KINDS, AnswerContext, AnswerRefused, choice_values

KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
CONDITION_KINDS = ("single_choice", "multiple_choice", "yes_no")


@dataclass(frozen=True)
class Question:
    """One question. `key` is its stable machine name (answers, exports and letters use it);
    `show_when` = (key of an earlier question, the answer that shows this one), or None."""

    key: str
    kind: str
    label: str
    help_text: str = ""
    required: bool = False
    rules: Mapping[str, Any] = field(default_factory=dict)
    show_when: tuple[str, Any] | None = None


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def form_problems(questions: Sequence[Question]) -> list[str]:
    """Why this form cannot be published, one sentence each naming the question; empty when it can."""
    problems: list[str] = []
    earlier: dict[str, Question] = {}
    if not any(QUESTION_KINDS[q.kind].answered for q in questions if q.kind in QUESTION_KINDS):
        problems.append(_("The form asks no question yet."))
    for number, question in enumerate(questions, start=1):
        name = _("Question %(number)d (“%(key)s”)") % {"number": number, "key": question.key}
        kind = QUESTION_KINDS.get(question.kind)
        if not KEY.match(question.key or ""):
            problems.append(
                _("%(name)s: a key is lower-case letters, digits and underscores, starting with a letter.")
                % {"name": name}
            )
        if question.key in earlier:
            problems.append(_("%(name)s: another question already has this key.") % {"name": name})
        if not question.label.strip():
            problems.append(_("%(name)s needs a label.") % {"name": name})
        if kind is None:
            problems.append(
                _("%(name)s: “%(kind)s” is not a kind of question.") % {"name": name, "kind": question.kind}
            )
        else:
            problems.extend(f"{name}: {problem}" for problem in kind.problems(question.rules))
            if question.required and not kind.answered:
                problems.append(_("%(name)s is information only, so it cannot be required.") % {"name": name})
        if question.show_when is not None:
            problems.extend(f"{name}: {problem}" for problem in _condition_problems(question, earlier))
        earlier.setdefault(question.key, question)
    return problems


def _condition_problems(question: Question, earlier: Mapping[str, Question]) -> list[str]:
    key, value = question.show_when  # type: ignore[misc]
    target = earlier.get(key)
    if target is None:
        return [
            _("it is shown after an answer to “%(key)s”, which is not an earlier question.") % {"key": key}
        ]
    if target.kind not in CONDITION_KINDS:
        return [
            _("it can depend only on a choice or yes/no question, and “%(key)s” is not one.") % {"key": key}
        ]
    if target.show_when is not None:
        return [
            _("“%(key)s” is itself shown only after another answer; one level is the most.") % {"key": key}
        ]
    allowed: list[Any] = [True, False] if target.kind == "yes_no" else choice_values(target.rules)
    if value not in allowed or isinstance(value, bool) != (target.kind == "yes_no"):
        return [_("the answer it waits for is not one “%(key)s” offers.") % {"key": key}]
    return []


def _is_shown(question: Question, answers: Mapping[str, Any]) -> bool:
    if question.show_when is None:
        return True
    key, value = question.show_when
    given = answers.get(key)
    return (
        value in given
        if isinstance(given, list)
        else given is not None and given == value and type(given) is type(value)
    )


def shown(questions: Sequence[Question], answers: Mapping[str, Any]) -> list[Question]:
    """The questions asked for these (cleaned) answers, in order: a conditional question only when the
    answer it waits for was given."""
    return [question for question in questions if _is_shown(question, answers)]


def clean_answers(
    questions: Sequence[Question], answers: Any, *, context: AnswerContext, complete: bool
) -> dict[str, Any]:
    """The answers cleaned, as stored: one value per answered question that is shown. Refused with a
    ValidationError naming each key: an unknown key, an answer to information or to a question not
    shown for the other answers, an answer of the wrong type or outside the question's rules, and (when
    `complete`, i.e. on submitting) a required question left unanswered. A draft may leave any out."""
    if not isinstance(answers, Mapping):
        raise ValidationError({"answers": [_("Give the answers as an object of question keys and answers.")]})
    by_key = {question.key: question for question in questions}
    errors: dict[str, list[str]] = {}
    for key in answers:
        if key not in by_key:
            errors[str(key)] = [_("No question of this form has this key.")]
    cleaned: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.key)
        kind = QUESTION_KINDS[question.kind]
        if question.show_when is not None and question.show_when[0] in errors:
            continue  # whether it is asked waits on the answer refused above
        if not _is_shown(question, cleaned):
            if question.key in answers and not _empty(value):
                errors[question.key] = [_("This question is not asked for your other answers; leave it out.")]
            continue
        if not kind.answered:
            if question.key in answers:
                errors[question.key] = [_("This part of the form is information only; it takes no answer.")]
            continue
        if _empty(value):
            if complete and question.required:
                errors[question.key] = [_("Answer this question: “%(label)s”.") % {"label": question.label}]
            continue
        try:
            cleaned[question.key] = kind.clean(value, question.rules, context)
        except AnswerRefused as refusal:
            errors[question.key] = [refusal.message]
    if errors:
        raise ValidationError(errors)
    return cleaned
