"""決裁: one municipality's answer as a print-friendly page and a PDF for its internal approval,
before and after submitting."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from portal.lib import pdf
from portal.lib.japanese import wareki_date

from . import board
from .answer_files import attachments_of
from .conditions import shown_questions
from .extensions import deadline_for
from .merging import display_lines, values_of
from .models import Question
from .services import questions_of


def context(survey, municipality, response) -> dict:
    """Survey, municipality, status, who saved and submitted when (people's names), and every
    question with its answer as the municipality reads it."""
    stored = response.answers if response else {}
    questions = list(questions_of(survey))
    shown = shown_questions(questions, stored)
    files = attachments_of(response)
    sections = {}
    for question in questions:
        if question.pk not in shown or question.kind == Question.Kind.DISPLAY:
            continue  # hidden by its condition, or text without an answer
        lines = display_lines(question, values_of(question, stored))
        if question.kind == Question.Kind.FILE:
            lines = [files[line].name if line in files else line for line in lines]
        sections.setdefault(question.section, []).append((question, lines))
    return {
        "survey": survey, "municipality": municipality, "response": response,
        "status": board.labels()[board.state_of(response)],
        "deadline": deadline_for(survey, municipality.pk),  # its own, if it was extended
        "saved_by": response.updated_by.display_name if response and response.updated_by
        else "",
        "submitted_by": response.submitted_by.display_name
        if response and response.submitted_by else "",
        "sections": list(sections.items()),
        "printed": wareki_date(timezone.localdate()),
    }


def pdf_bytes(survey, municipality, response) -> bytes:
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string("surveys/approval_pdf.html",
                                context(survey, municipality, response))
    return pdf.write_pdf(html)
