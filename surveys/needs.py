"""A municipality's needs as its survey answers state them: the fields and methods it chose and
what it wrote at length, for finding similar cases elsewhere (collaboration/similarity.py)."""

from collaboration.similarity import Need

from .models import Question
from .results import NEED_TEXT_KINDS, _values
from .services import questions_of


def need_of(response, questions=None) -> Need:
    """The need stated in ``response`` (a municipality's answer to one survey)."""
    need = Need()
    texts = []
    for question in questions if questions is not None else questions_of(response.survey):
        values = _values(question, response.answers)
        if question.kind == Question.Kind.FIELDS:
            need.field_names += values
        elif question.kind == Question.Kind.METHODS:
            need.method_names += values
        elif question.kind in NEED_TEXT_KINDS:
            texts += values
        other = response.answers.get(f"q{question.pk}_other")
        if other:
            texts.append(str(other))
    need.text = "\n".join(texts)
    return need
