"""The kinds of question, one entry each: what its rules may say, and how an answer is cleaned.

A kind's `problems(rules)` lists what is wrong with a question's rules (for the form builder, before
publishing); `clean(value, rules, context)` returns the answer as stored or raises AnswerRefused with a
message the person can act on. A new kind is one entry here."""

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.money import to_amount


class AnswerRefused(ValueError):
    """An answer that does not fit its question; the message says what would."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class AnswerContext:
    """What cleaning an answer may depend on beyond the question: the program's currency, today."""

    currency: str
    today: date


@dataclass(frozen=True)
class QuestionKind:
    label: Any  # lazily translated
    problems: Callable[[Mapping[str, Any]], list[str]]
    clean: Callable[[Any, Mapping[str, Any], AnswerContext], Any]
    answered: bool = True  # an information block takes no answer


QUESTION_KINDS: dict[str, QuestionKind] = {}

SHORT_TEXT_MOST = 200
LONG_TEXT_MOST = 10_000
FILE_KINDS = ("pdf", "png", "jpeg")
RELATIVE_DATE = re.compile(r"^today(?:([+-])(\d{1,5})d)?$")


def question_kind(name: str, label: Any, *, answered: bool = True) -> Callable[[Any], Any]:
    """Register a kind: the decorated class gives `problems` and `clean` as static methods."""

    def register(cls: Any) -> Any:
        QUESTION_KINDS[name] = QuestionKind(label, cls.problems, cls.clean, answered)
        return cls

    return register


# ---------------------------------------------------------------- shared checks of rules


def _unknown(rules: Mapping[str, Any], allowed: set[str]) -> list[str]:
    extra = sorted(set(rules) - allowed)
    return [_("“%(name)s” is not a setting of this kind of question.") % {"name": name} for name in extra]


def _whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _bounds(rules: Mapping[str, Any], parse: Callable[[Any], Any]) -> tuple[list[str], Any, Any]:
    """The minimum and maximum in `rules`, parsed; problems when one cannot be read or min > max."""
    problems: list[str] = []
    parsed: dict[str, Any] = {}
    for name in ("min", "max"):
        if rules.get(name) is None:
            parsed[name] = None
            continue
        try:
            parsed[name] = parse(rules[name])
        except (AnswerRefused, ValidationError, ValueError, TypeError):
            problems.append(
                _("The %(name)s cannot be read.") % {"name": _("minimum") if name == "min" else _("maximum")}
            )
            parsed[name] = None
    low, high = parsed["min"], parsed["max"]
    if low is not None and high is not None and low > high:
        problems.append(_("The minimum is above the maximum."))
    return problems, low, high


def _choices(rules: Mapping[str, Any]) -> list[str]:
    """Problems with a choice question's `choices`: a list of {"value", "label"}, values unique."""
    choices = rules.get("choices")
    if not isinstance(choices, list) or not choices:
        return [_("A choice question needs at least one choice.")]
    problems = []
    values = []
    for choice in choices:
        if not (
            isinstance(choice, Mapping)
            and isinstance(choice.get("value"), str)
            and choice["value"].strip()
            and isinstance(choice.get("label"), str)
            and choice["label"].strip()
        ):
            problems.append(_("Each choice needs a value and a label."))
            continue
        values.append(choice["value"])
    if len(values) != len(set(values)):
        problems.append(_("Two choices have the same value."))
    return problems


def choice_values(rules: Mapping[str, Any]) -> list[str]:
    return [choice["value"] for choice in rules.get("choices") or () if isinstance(choice, Mapping)]


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise AnswerRefused(_("Write the answer as text."))
    return value.strip()


# ---------------------------------------------------------------- the kinds


@question_kind("short_text", gettext_lazy("Short text"))
class ShortText:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        problems = _unknown(rules, {"max_length"})
        most = rules.get("max_length", SHORT_TEXT_MOST)
        if not _whole(most) or not 1 <= most <= SHORT_TEXT_MOST:
            problems.append(
                _("The character limit must be a whole number from 1 to %(most)d.")
                % {"most": SHORT_TEXT_MOST}
            )
        return problems

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> str:
        text = _text(value)
        if "\n" in text or "\r" in text:
            raise AnswerRefused(_("Keep the answer to one line."))
        return _within_length(text, rules.get("max_length", SHORT_TEXT_MOST))


@question_kind("long_text", gettext_lazy("Long text"))
class LongText:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        problems = _unknown(rules, {"max_length"})
        most = rules.get("max_length", LONG_TEXT_MOST)
        if not _whole(most) or not 1 <= most <= LONG_TEXT_MOST:
            problems.append(
                _("The character limit must be a whole number from 1 to %(most)d.") % {"most": LONG_TEXT_MOST}
            )
        return problems

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> str:
        return _within_length(_text(value), rules.get("max_length", LONG_TEXT_MOST))


def _within_length(text: str, most: int) -> str:
    if len(text) > most:
        raise AnswerRefused(
            _("Use at most %(most)d characters (this answer has %(count)d).")
            % {"most": most, "count": len(text)}
        )
    return text


def _number(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise AnswerRefused(_("Enter a number, like 12 or 12.5."))
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError as error:
        raise AnswerRefused(_("Enter a number, like 12 or 12.5.")) from error
    if not number.is_finite():
        raise AnswerRefused(_("Enter a number, like 12 or 12.5."))
    return number


def _between(value: Any, low: Any, high: Any, shown: Callable[[Any], str]) -> None:
    if low is not None and value < low:
        raise AnswerRefused(_("Enter %(low)s or more.") % {"low": shown(low)})
    if high is not None and value > high:
        raise AnswerRefused(_("Enter %(high)s or less.") % {"high": shown(high)})


@question_kind("number", gettext_lazy("Number"))
class Number:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        problems, _low, _high = _bounds(rules, _number)
        if "whole" in rules and not isinstance(rules["whole"], bool):
            problems.append(_("“Whole numbers only” must be true or false."))
        return _unknown(rules, {"min", "max", "whole"}) + problems

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> str:
        number = _number(value)
        if rules.get("whole") and number != number.to_integral_value():
            raise AnswerRefused(_("Enter a whole number."))
        _problems, low, high = _bounds(rules, _number)
        _between(number, low, high, str)
        return str(number.normalize()) if number != number.to_integral_value() else str(int(number))


@question_kind("money", gettext_lazy("Money"))
class Money:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        problems, _low, _high = _bounds(rules, _number)
        return _unknown(rules, {"min", "max"}) + problems

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> str:
        try:
            amount = to_amount(value, context.currency, field="answer", allow_zero=True)
        except ValidationError as error:
            raise AnswerRefused(" ".join(error.messages)) from error
        _problems, low, high = _bounds(rules, _number)
        _between(amount, low, high, lambda limit: f"{limit:,.2f} {context.currency}")
        return str(amount)


def date_limit(value: Any, today: date) -> date:
    """A date rule: an ISO date (2026-12-31), "today", or "today+30d" / "today-365d"."""
    if not isinstance(value, str):
        raise ValueError(value)
    relative = RELATIVE_DATE.match(value.strip())
    if relative is None:
        return date.fromisoformat(value.strip())
    sign, days = relative.groups()
    offset = timedelta(days=int(days or 0))
    return today - offset if sign == "-" else today + offset


@question_kind("date", gettext_lazy("Date"))
class Date:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        # Relative limits are compared as of one fixed day: only their order matters here.
        problems, _low, _high = _bounds(rules, lambda value: date_limit(value, date(2000, 1, 1)))
        return _unknown(rules, {"min", "max"}) + problems

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> str:
        try:
            day = date.fromisoformat(value.strip()) if isinstance(value, str) else None
        except ValueError:
            day = None
        if day is None:
            raise AnswerRefused(_("Enter a date as YYYY-MM-DD, like 2026-03-31."))
        _problems, low, high = _bounds(rules, lambda limit: date_limit(limit, context.today))
        if low is not None and day < low:
            raise AnswerRefused(_("Enter %(low)s or later.") % {"low": low.isoformat()})
        if high is not None and day > high:
            raise AnswerRefused(_("Enter %(high)s or earlier.") % {"high": high.isoformat()})
        return day.isoformat()


@question_kind("single_choice", gettext_lazy("One choice"))
class SingleChoice:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        problems = _unknown(rules, {"choices", "widget"}) + _choices(rules)
        if rules.get("widget", "radio") not in ("radio", "select"):
            problems.append(_("Show the choices as radio buttons or a list to pick from."))
        return problems

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> str:
        if not isinstance(value, str) or value not in choice_values(rules):
            raise AnswerRefused(_("Choose one of the options given."))
        return value


@question_kind("multiple_choice", gettext_lazy("Several choices"))
class MultipleChoice:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        return _unknown(rules, {"choices"}) + _choices(rules)

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> list[str]:
        values = choice_values(rules)
        if not isinstance(value, list) or not all(isinstance(item, str) and item in values for item in value):
            raise AnswerRefused(_("Choose from the options given."))
        # Stored in the form's order, each once.
        return [item for item in values if item in value]


@question_kind("yes_no", gettext_lazy("Yes or no"))
class YesNo:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        return _unknown(rules, set())

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> bool:
        if not isinstance(value, bool):
            raise AnswerRefused(_("Answer yes or no."))
        return value


@question_kind("file", gettext_lazy("File upload"))
class FileUpload:
    """The answer is the id of a document the applicant uploaded (checked by content on upload, like any
    other); the service that stores answers checks that the document is the application's own."""

    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        problems = _unknown(rules, {"kinds", "max_bytes"})
        kinds = rules.get("kinds", list(FILE_KINDS))
        if not isinstance(kinds, list) or not kinds or not set(kinds) <= set(FILE_KINDS):
            problems.append(_("Choose the kinds of file from PDF, PNG and JPEG."))
        most = rules.get("max_bytes")
        if most is not None and (not _whole(most) or most < 1):
            problems.append(_("The largest file must be a whole number of bytes."))
        return problems

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> int:
        if not _whole(value) or value < 1:
            raise AnswerRefused(_("Upload the file, then choose it here."))
        return int(value)


@question_kind("information", gettext_lazy("Information (no answer)"), answered=False)
class Information:
    @staticmethod
    def problems(rules: Mapping[str, Any]) -> list[str]:
        return _unknown(rules, set())

    @staticmethod
    def clean(value: Any, rules: Mapping[str, Any], context: AnswerContext) -> None:
        raise AnswerRefused(_("This part of the form is information only; it takes no answer."))
