"""Branching: a question or a section shown only when an earlier choice answer holds given
values (「問3で『はい』の場合のみ」). The server decides what is shown from the stored answers;
the page's script only mirrors it."""

import json

from .models import Question

CONDITION_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)


def _chosen(question: Question, answers: dict) -> set[str]:
    value = answers.get(f"q{question.pk}")
    if value in (None, "", []):
        return set()
    return {str(item) for item in value} if isinstance(value, list) else {str(value)}


def _holds(condition_question_id, values, answers, by_pk, shown) -> bool:
    if condition_question_id is None:
        return True
    source = by_pk.get(condition_question_id)
    # A condition on a question that is gone, or itself not shown, does not hold.
    if source is None or source.pk not in shown:
        return False
    return bool(_chosen(source, answers) & {str(value) for value in values or []})


def shown_questions(questions, answers: dict) -> set[int]:
    """The questions shown with ``answers``, in questionnaire order (a condition only ever
    refers to an earlier question, so one pass decides)."""
    questions = sorted(questions, key=position)
    by_pk = {question.pk: question for question in questions}
    shown: set[int] = set()
    for question in questions:
        section = question.section
        if _holds(section.condition_question_id, section.condition_values, answers, by_pk,
                  shown) and _holds(question.condition_question_id, question.condition_values,
                                    answers, by_pk, shown):
            shown.add(question.pk)
    return shown


def hidden_keys(questions, answers: dict) -> dict[Question, list[str]]:
    """The answer keys of hidden questions that hold something: what a save clears."""
    from .answer_form import field_names

    shown = shown_questions(questions, answers)
    return {question: names for question in questions if question.pk not in shown
            and (names := [name for name in field_names(question)
                           if answers.get(name) not in (None, "", [])])}


def position(item) -> tuple:
    """Where a question or section stands in the questionnaire; a new question goes last in
    its section, a section comes before its own questions."""
    from .models import Section

    if isinstance(item, Section):
        return (item.order, item.pk or 0, -1, -1)
    last = float("inf")
    return (item.section.order, item.section_id, item.order if item.pk else last,
            item.pk or last)


def earlier_choice_questions(item, questions) -> list[Question]:
    """The choice questions a condition of ``item`` may refer to: those before it."""
    here = position(item)
    return [candidate for candidate in questions if candidate.kind in CONDITION_KINDS
            and position(candidate) < here]


def data_attributes(item) -> str:
    """The condition as the page's script reads it: the controlling answer key and values."""
    if item.condition_question_id is None:
        return ""
    return json.dumps({"key": f"q{item.condition_question_id}",
                       "values": [str(value) for value in item.condition_values or []]},
                      ensure_ascii=False)


def describe(item, by_pk) -> str:
    """「問『…』で『はい』の場合のみ」 for the builder's outline."""
    from django.utils.translation import gettext as _

    source = by_pk.get(item.condition_question_id)
    if source is None:
        return ""
    return _("Only when “%(question)s” is answered “%(values)s”") % {
        "question": source.text, "values": "」「".join(map(str, item.condition_values or []))}
