"""Application questions as data (issue 16, first part): every kind's rules and answers, the checks
before publishing, conditions, and the cleaning of a set of answers."""

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from programs.questions import QUESTION_KINDS, AnswerRefused, Question, clean_answers, form_problems, shown
from programs.questions.kinds import AnswerContext, date_limit

TODAY = date(2026, 12, 8)
CONTEXT = AnswerContext(currency="USD", today=TODAY)
CHOICES = {"choices": [{"value": "lost_job", "label": "I lost my job"}, {"value": "other", "label": "Other"}]}


def clean(kind: str, value: Any, **rules: Any) -> Any:
    return QUESTION_KINDS[kind].clean(value, rules, CONTEXT)


def refused(kind: str, value: Any, **rules: Any) -> str:
    with pytest.raises(AnswerRefused) as caught:
        clean(kind, value, **rules)
    return caught.value.message


def test_every_kind_the_issue_names_is_there() -> None:
    assert set(QUESTION_KINDS) == {
        "short_text",
        "long_text",
        "number",
        "money",
        "date",
        "single_choice",
        "multiple_choice",
        "yes_no",
        "file",
        "information",
    }


def test_short_text_is_one_line_within_its_limit() -> None:
    assert clean("short_text", "  Welder  ", max_length=6) == "Welder"
    assert "at most 5 characters" in refused("short_text", "Welder", max_length=5)
    assert "one line" in refused("short_text", "two\nlines")
    assert "as text" in refused("short_text", 12)


def test_long_text_keeps_lines_and_counts_characters() -> None:
    assert clean("long_text", "first\nsecond", max_length=12) == "first\nsecond"
    assert "this answer has 13" in refused("long_text", "first\nsecond!", max_length=12)


def test_number_within_bounds_and_whole_when_asked() -> None:
    assert clean("number", "40", min=1, max=40) == "40"
    assert clean("number", 12.5) == "12.5"
    assert "40 or less" in refused("number", 41, max=40)
    assert "1 or more" in refused("number", "0", min=1)
    assert "whole number" in refused("number", "2.5", whole=True)
    for bad in ("twelve", True, "NaN", "Infinity", None, [1]):
        assert "Enter a number" in refused("number", bad)


def test_money_is_in_the_programs_currency_and_never_a_float() -> None:
    assert clean("money", "1250.5", min="100", max="5000") == "1250.50"
    assert "decimal places" in refused("money", "10.005")
    assert "floating-point" in refused("money", 10.5)
    assert "5,000.00 USD or less" in refused("money", "5000.01", max="5000")
    assert "100.00 USD or more" in refused("money", "99.99", min="100")


def test_dates_with_absolute_and_relative_limits() -> None:
    assert date_limit("today+30d", TODAY) == date(2027, 1, 7)
    assert date_limit("today-365d", TODAY) == date(2025, 12, 8)
    assert date_limit("today", TODAY) == TODAY
    assert clean("date", "2026-12-08", min="today", max="today+30d") == "2026-12-08"
    assert "2026-12-08 or later" in refused("date", "2026-12-07", min="today")
    assert "2027-01-07 or earlier" in refused("date", "2027-01-08", max="today+30d")
    assert "2026-06-30 or earlier" in refused("date", "2026-07-01", max="2026-06-30")
    for bad in ("31/12/2026", "2026-02-30", 20261208, ""):
        assert "YYYY-MM-DD" in refused("date", bad)


def test_choices_single_and_multiple() -> None:
    assert clean("single_choice", "other", **CHOICES) == "other"
    assert "one of the options" in refused("single_choice", "retired", **CHOICES)
    assert "one of the options" in refused("single_choice", ["other"], **CHOICES)
    assert clean("multiple_choice", ["other", "lost_job", "other"], **CHOICES) == ["lost_job", "other"]
    assert "from the options" in refused("multiple_choice", ["other", "retired"], **CHOICES)
    assert "from the options" in refused("multiple_choice", "other", **CHOICES)


def test_yes_no_files_and_information() -> None:
    assert clean("yes_no", False) is False
    assert "yes or no" in refused("yes_no", "yes")
    assert clean("file", 17) == 17
    for bad in (0, -1, "17", True, 1.5):
        assert "Upload the file" in refused("file", bad)
    assert "information only" in refused("information", "anything")


@pytest.mark.parametrize(
    ("kind", "rules", "problem"),
    [
        ("short_text", {"max_length": 201}, "from 1 to 200"),
        ("short_text", {"max_length": "50"}, "from 1 to 200"),
        ("long_text", {"max_length": 0}, "from 1 to 10000"),
        ("number", {"min": 5, "max": 1}, "minimum is above the maximum"),
        ("number", {"min": "few"}, "minimum cannot be read"),
        ("number", {"whole": "yes"}, "true or false"),
        ("money", {"max": "lots"}, "maximum cannot be read"),
        ("date", {"min": "today+10d", "max": "today"}, "minimum is above the maximum"),
        ("date", {"min": "tomorrow"}, "minimum cannot be read"),
        ("single_choice", {}, "at least one choice"),
        (
            "single_choice",
            {"choices": [{"value": "a", "label": "A"}, {"value": "a", "label": "B"}]},
            "same value",
        ),
        ("single_choice", {"choices": [{"value": "a"}]}, "a value and a label"),
        ("single_choice", {**CHOICES, "widget": "slider"}, "radio buttons"),
        ("file", {"kinds": ["exe"]}, "PDF, PNG and JPEG"),
        ("file", {"max_bytes": 0}, "whole number of bytes"),
        ("yes_no", {"colour": "red"}, "“colour” is not a setting"),
    ],
)
def test_each_kind_refuses_rules_it_cannot_keep(kind: str, rules: dict[str, Any], problem: str) -> None:
    problems = QUESTION_KINDS[kind].problems(rules)
    assert any(problem in text for text in problems), problems


def test_good_rules_have_no_problems() -> None:
    assert QUESTION_KINDS["money"].problems({"min": "0", "max": "5000"}) == []
    assert QUESTION_KINDS["date"].problems({"min": "today-30d", "max": "2030-01-01"}) == []
    assert QUESTION_KINDS["single_choice"].problems({**CHOICES, "widget": "select"}) == []
    assert QUESTION_KINDS["file"].problems({"kinds": ["pdf"], "max_bytes": 5_000_000}) == []


# ---------------------------------------------------------------- a whole form

FORM = [
    Question("intro", "information", "About this program"),
    Question("reason", "single_choice", "Why do you want this training?", required=True, rules=CHOICES),
    Question("reason_other", "short_text", "Tell us more", required=True, show_when=("reason", "other")),
    Question("employed", "yes_no", "Are you working now?", required=True),
    Question("employer_letter", "file", "Your employer's letter", show_when=("employed", True)),
    Question("hours", "number", "Hours a week you can study", rules={"min": 1, "max": 40, "whole": True}),
]


def test_a_good_form_can_be_published() -> None:
    assert form_problems(FORM) == []


def test_publishing_is_refused_for_each_error_naming_the_question() -> None:
    broken = [
        Question("Reason", "single_choice", "Why?", rules=CHOICES),
        Question("hours", "number", "Hours"),
        Question("hours", "number", "Hours again"),
        Question("later", "short_text", "More", show_when=("not_yet", "x")),
        Question("pick", "single_choice", "Pick one", rules={"choices": []}),
        Question("note", "information", " ", required=True),
        Question("kind", "slider", "Slide"),
        Question("hours_why", "short_text", "Why those hours", show_when=("hours", "10")),
        Question("wrong_value", "short_text", "Wrong", show_when=("pick", "nothing")),
        Question("yes_as_text", "short_text", "Yes?", show_when=("flag", "true")),
    ]
    flag = Question("flag", "yes_no", "Flag")
    follow = Question("follow", "yes_no", "Follow?", show_when=("flag", True))
    nested = Question("nested", "short_text", "Nested", show_when=("follow", True))
    problems = " | ".join(form_problems([*broken[:-1], flag, broken[-1], follow, nested]))
    assert "Question 1 (“Reason”): a key is lower-case" in problems
    assert "Question 3 (“hours”): another question already has this key" in problems
    assert "“not_yet”, which is not an earlier question" in problems
    assert "Question 5 (“pick”): A choice question needs at least one choice" in problems
    assert "Question 6 (“note”) needs a label" in problems
    assert "information only, so it cannot be required" in problems
    assert "“slider” is not a kind of question" in problems
    assert "only on a choice or yes/no question, and “hours” is not one" in problems
    assert "Question 13 (“nested”): “follow” is itself shown only after another answer" in problems
    assert "Question 9 (“wrong_value”): the answer it waits for is not one “pick” offers" in problems
    assert "Question 11 (“yes_as_text”): the answer it waits for" in problems
    assert "Question 12" not in problems  # a condition on a top-level yes/no question is fine
    assert form_problems([FORM[0]]) == ["The form asks no question yet."]


def test_conditional_questions_are_shown_only_after_their_answer() -> None:
    keys = [q.key for q in shown(FORM, {"reason": "lost_job", "employed": False})]
    assert keys == ["intro", "reason", "employed", "hours"]
    keys = [q.key for q in shown(FORM, {"reason": "other", "employed": True})]
    assert keys == ["intro", "reason", "reason_other", "employed", "employer_letter", "hours"]
    multiple = [
        Question("needs", "multiple_choice", "What do you need?", rules=CHOICES),
        Question("needs_other", "short_text", "Which?", show_when=("needs", "other")),
    ]
    assert [q.key for q in shown(multiple, {"needs": ["lost_job", "other"]})] == ["needs", "needs_other"]
    assert [q.key for q in shown(multiple, {"needs": ["lost_job"]})] == ["needs"]


def test_answers_are_cleaned_and_hidden_ones_are_neither_required_nor_stored() -> None:
    answers = {"reason": "lost_job", "employed": False, "hours": "12", "reason_other": ""}
    assert clean_answers(FORM, answers, context=CONTEXT, complete=True) == {
        "reason": "lost_job",
        "employed": False,
        "hours": "12",
    }


def errors_of(answers: Any, *, complete: bool = True) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        clean_answers(FORM, answers, context=CONTEXT, complete=complete)
    return caught.value.message_dict


def test_each_wrong_answer_is_refused_naming_its_key() -> None:
    errors = errors_of(
        {
            "reason": "other",
            "employed": "yes",
            "hours": "2.5",
            "salary": "1000",
            "intro": "hello",
        }
    )
    assert set(errors) == {"reason_other", "employed", "hours", "salary", "intro"}
    assert "Answer this question: “Tell us more”" in errors["reason_other"][0]
    assert "yes or no" in errors["employed"][0]
    assert "whole number" in errors["hours"][0]
    assert "No question of this form has this key" in errors["salary"][0]
    assert "information only" in errors["intro"][0]


def test_an_answer_to_a_question_not_shown_is_refused() -> None:
    errors = errors_of({"reason": "lost_job", "reason_other": "More", "employed": False})
    assert list(errors) == ["reason_other"]
    assert "not asked for your other answers" in errors["reason_other"][0]


def test_a_draft_may_leave_required_questions_out_but_not_send_bad_ones() -> None:
    assert clean_answers(FORM, {"hours": 3}, context=CONTEXT, complete=False) == {"hours": "3"}
    assert list(errors_of({"hours": 41}, complete=False)) == ["hours"]
    assert set(errors_of({}, complete=True)) == {"reason", "employed"}


def test_a_refused_answer_does_not_also_refuse_the_questions_waiting_on_it() -> None:
    errors = errors_of({"reason": "retired", "reason_other": "More", "employed": False})
    assert list(errors) == ["reason"]


def test_answers_that_are_not_an_object_are_refused() -> None:
    for bad in (["reason"], "reason=other", None, 3):
        assert list(errors_of(bad)) == ["answers"]
