"""Writes that build a survey: its settings, targets, sections and questions, and the request
to answer. Once municipalities have answered, a question keeps its type and its answered
choices, and an answered question stays."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib import caching
from portal.lib.permissions import can
from portal.lib.queue import enqueue_on_commit
from portal.models import Municipality

from .answer_form import field_names
from .models import Question, Section, Survey, SurveyResponse
from .policies import BUILD
from .services import question_has_answers

CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING)
UP, DOWN = "up", "down"


def _check_staff(actor) -> None:
    if not can(actor, BUILD, Survey):
        raise PermissionDenied


def answered_questions(survey: Survey) -> set[int]:
    """The questions some municipality has answered (drafts included), by the same rule as
    ``services.question_has_answers``, read in one query for the whole survey."""
    keys = set()
    for answers in SurveyResponse.objects.filter(survey=survey).values_list("answers",
                                                                            flat=True):
        keys.update(answers)
    return {question.pk for question in Question.objects.filter(section__survey=survey)
            if keys & set(field_names(question))}


def chosen_values(question: Question) -> set[str]:
    """The choices of ``question`` some municipality has picked."""
    chosen = set()
    names = field_names(question)
    for answers in SurveyResponse.objects.filter(
            survey_id=question.section.survey_id).values_list("answers", flat=True):
        for name in names:
            value = answers.get(name)
            chosen.update(value if isinstance(value, list) else [value])
    return {str(value) for value in chosen if value not in ("", None)}


def check_question_change(question: Question, *, kind: str, choices: list[str],
                          rows: list[str] | None = None) -> None:
    """Today's rules once answers exist: no type change, no removal of answered choices."""
    if not question.pk:
        return
    if not question_has_answers(question):
        return
    if kind != question.kind:
        raise ValidationError(_("Municipalities have answered this question already: "
                                "changing its type would orphan their answers. Fix the "
                                "wording only, or add a new question."))
    if rows is not None and len(rows) < len(question.rows or []):
        raise ValidationError(_("Municipalities have answered this grid already: its rows "
                                "cannot be removed. Fix their wording or add rows at the end."))
    removed = (set(question.choices or []) - set(choices)) & chosen_values(question)
    if removed:
        raise ValidationError(_("Choices already answered cannot be removed: %(list)s.")
                              % {"list": "、".join(sorted(removed))})


def targets_for(*, mode: str, regions=(), kinds=(), municipalities=()):
    """The municipalities asked: all 35, those of some regions and kinds, or one by one."""
    everyone = Municipality.objects.all()
    if mode == "all":
        return everyone
    if mode == "filter":
        chosen = everyone
        if regions:
            chosen = chosen.filter(region__in=regions)
        if kinds:
            chosen = chosen.filter(kind__in=kinds)
        return chosen
    return everyone.filter(pk__in=[m.pk for m in municipalities])


@transaction.atomic
def survey_save(*, actor, survey: Survey, targets) -> Survey:
    """Saves a new or changed survey (fields already set by the form) and its targets."""
    _check_staff(actor)
    survey.full_clean(exclude=["municipalities"])
    survey.save()  # the audit trail records the change (portal.lib.audit tracks surveys)
    survey.municipalities.set(targets)
    caching.bump("surveys")
    return survey


def _next_order(queryset) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


@transaction.atomic
def section_save(*, actor, survey: Survey, section: Section | None = None, title: str,
                 condition_question: Question | None = None,
                 condition_values=()) -> Section:
    """Adds or renames a section; with ``condition_question`` it is shown only when that
    earlier choice question holds one of ``condition_values``."""
    _check_staff(actor)
    if section is None:
        section = Section(survey=survey, order=_next_order(survey.sections.all()))
    section.title = title
    section.condition_question = condition_question
    section.condition_values = list(condition_values) if condition_question else []
    section.save()
    caching.bump("surveys")
    return section


@transaction.atomic
def question_save(*, actor, question: Question) -> Question:
    """Saves a question whose fields the form has set, checked against the answers given."""
    _check_staff(actor)
    if question.pk:
        stored = Question.objects.select_related("section").get(pk=question.pk)
        check_question_change(stored, kind=question.kind, choices=question.choices,
                              rows=question.rows)
    else:
        question.order = _next_order(question.section.questions.all())
    question.save()
    caching.bump("surveys")
    return question


class Answered(Exception):
    """Municipalities have answered it: removing it would lose their answers."""


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    _check_staff(actor)
    if question_has_answers(question):
        raise Answered
    question.delete()
    caching.bump("surveys")


@transaction.atomic
def section_delete(*, actor, section: Section) -> None:
    _check_staff(actor)
    if any(question_has_answers(question) for question in section.questions.all()):
        raise Answered
    section.delete()
    caching.bump("surveys")


@transaction.atomic
def move(*, actor, item, direction: str) -> None:
    """Swaps a section or question with its neighbour above or below."""
    _check_staff(actor)
    siblings = list((item.survey.sections.all() if isinstance(item, Section)
                     else item.section.questions.all()).select_for_update())
    # Renumber first so equal orders (old data, the admin) still move one step.
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index - 1 if direction == UP else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])
    caching.bump("surveys")


@transaction.atomic
def request_answers(*, actor, survey: Survey, now=None) -> Survey:
    """「回答依頼を送る」: opens the survey now unless its opening is still ahead, and has each
    target municipality's staff e-mailed once — now, or by the sweep at the opening time."""
    _check_staff(actor)
    now = now or timezone.now()
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.deadline <= now:
        raise ValidationError(_("The deadline has passed: move it before asking for answers."))
    if survey.requested_at is None:
        survey.requested_at = now
        survey.save(update_fields=["requested_at"])
    caching.bump("surveys")
    if survey.is_open(now):
        enqueue_on_commit("surveys.tasks.send_opening_notices", survey.pk)
    return survey


@transaction.atomic
def open_now(*, actor, survey: Survey, now=None) -> Survey:
    """Moves the opening to now, for a survey that is to be answered at once."""
    _check_staff(actor)
    now = now or timezone.now()
    Survey.objects.filter(pk=survey.pk, opens_at__gt=now).update(opens_at=now)
    survey.refresh_from_db()
    return survey


class HasAnswers(Exception):
    """Municipalities have answered: the questionnaire is not replaced under them."""


@transaction.atomic
def questionnaire_import(*, actor, survey: Survey, parsed) -> int:
    """Replaces the survey's sections and questions by those of a checked sheet
    (``questionnaire_xlsx.parse`` without problems); returns the number of questions."""
    _check_staff(actor)
    if parsed.problems:
        raise ValidationError(_("The sheet has problems; nothing was imported."))
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.responses.exists():
        raise HasAnswers
    survey.sections.all().delete()
    by_number = {}
    for order, (title, condition, questions) in enumerate(parsed.sections, start=1):
        section = Section.objects.create(survey=survey, title=title, order=order)
        if condition is not None:
            section.condition_question = by_number[condition[0]]
            section.condition_values = condition[1]
            section.save(update_fields=["condition_question", "condition_values"])
        for number, (question, question_condition) in enumerate(questions, start=1):
            question.section, question.order = section, number
            if question_condition is not None:
                question.condition_question = by_number[question_condition[0]]
                question.condition_values = question_condition[1]
            question.save()
            by_number[len(by_number) + 1] = question
    caching.bump("surveys")
    return len(by_number)
