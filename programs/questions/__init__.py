"""Application questions as data (issue 16, first part): the kinds of question a program's form may ask,
the checks a form must pass before it is published, and the validation of a person's answers, the same
for the pages and the API. Pure functions over plain data: no database, no HTTP.

- `kinds.py`: one entry per kind of question (short text, long text, number, money, date, single and
  multiple choice, yes/no, file, information block). Each kind checks its own rules (a character limit,
  a minimum and maximum, the choices, the files it takes) and cleans an answer, refusing it in words the
  person reads.
- `definition.py`: a form's questions in order (`Question`), what keeps a form from being published
  (`form_problems`), which questions are shown for the answers so far (`shown`), and `clean_answers`.
"""

from programs.questions.definition import Question, clean_answers, form_problems, shown
from programs.questions.kinds import QUESTION_KINDS, AnswerRefused

__all__ = ["QUESTION_KINDS", "AnswerRefused", "Question", "clean_answers", "form_problems", "shown"]
