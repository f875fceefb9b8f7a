"""Writes on surveys and answers. Every save and submission is plain database work: nothing
here waits for Redis or a worker."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import audit

from .answer_form import AnswerForm, as_form_data
from .models import Question, Survey, SurveyResponse


class StaleDraft(Exception):
    """Someone saved the answer since this version was loaded."""

    def __init__(self, current: SurveyResponse):
        self.current = current
        super().__init__(f"version {current.version} is newer")


class AlreadySubmitted(Exception):
    def __init__(self, current: SurveyResponse):
        self.current = current
        super().__init__("already submitted")


class NotAnswerable(Exception):
    pass


class Incomplete(Exception):
    """Required answers are missing or wrong; the draft was saved all the same."""

    def __init__(self, form: AnswerForm, response: SurveyResponse):
        self.form = form
        self.response = response
        super().__init__("incomplete answer")


def questions_of(survey: Survey):
    return Question.objects.filter(section__survey=survey).select_related("section")


def may_answer(user, survey: Survey, municipality) -> bool:
    return (municipality is not None and user.is_authenticated and user.is_active
            and user.scope_municipality == municipality
            and survey.municipalities.filter(pk=municipality.pk).exists())


def _response_to_edit(actor, survey: Survey, municipality) -> SurveyResponse:
    """The municipality's answer, locked for this transaction, once ``actor`` may answer the
    open survey; created empty on the first save."""
    if not may_answer(actor, survey, municipality):
        raise PermissionDenied
    if not survey.is_open():
        raise NotAnswerable
    return _locked_response(survey, municipality)


def _locked_response(survey, municipality) -> SurveyResponse:
    try:
        with transaction.atomic():
            SurveyResponse.objects.get_or_create(survey=survey, municipality=municipality)
    except IntegrityError:
        pass  # created by a concurrent first save; lock it below like any other
    return SurveyResponse.objects.select_for_update().get(survey=survey,
                                                          municipality=municipality)


@transaction.atomic
def draft_save(*, actor, survey: Survey, municipality, answers: dict,
               base_version: int) -> SurveyResponse:
    """Stores the answers as typed. A save based on an older version than the stored one is
    refused with StaleDraft, so two editors never silently overwrite each other."""
    response = _response_to_edit(actor, survey, municipality)
    if response.status == SurveyResponse.Status.SUBMITTED:
        raise AlreadySubmitted(response)
    if response.version != base_version:
        raise StaleDraft(response)
    response.answers = answers
    response.version += 1
    response.updated_by = actor
    response.save()
    return response


def submit(*, actor, survey: Survey, municipality, answers: dict,
           base_version: int) -> SurveyResponse:
    """Saves and submits. Submitting again (double click, back button, retry) returns the
    submission already made; every missing or wrong answer is reported at once (Incomplete),
    after the answers as typed have been saved."""
    response, form = _submit(actor=actor, survey=survey, municipality=municipality,
                             answers=answers, base_version=base_version)
    if form is not None:
        raise Incomplete(form, response)
    return response


@transaction.atomic
def _submit(*, actor, survey, municipality, answers, base_version):
    response = _response_to_edit(actor, survey, municipality)
    if response.status == SurveyResponse.Status.SUBMITTED:
        return response, None
    if response.version != base_version:
        raise StaleDraft(response)
    questions = list(questions_of(survey))
    form = AnswerForm(questions, as_form_data(questions, answers))
    if not form.is_valid():
        response.answers, response.version, response.updated_by = answers, base_version + 1, actor
        response.save()  # keep what was typed even though it cannot be submitted yet
        return response, form
    now = timezone.now()
    was_returned = response.status == SurveyResponse.Status.RETURNED
    response.answers = answers
    response.version += 1
    response.status = SurveyResponse.Status.SUBMITTED
    response.submitted_at = now
    response.is_late = survey.is_past_deadline(now)
    response.updated_by = actor
    response.save()
    audit.record(response, audit.Action.SUBMIT, owner=survey,
                 note="resubmitted after return" if was_returned else "")
    return response, None


@transaction.atomic
def return_response(*, actor, response: SurveyResponse, comment: str) -> SurveyResponse:
    """Sends a submitted answer back to the municipality with the reason."""
    from .policies import may_follow

    if not may_follow(actor, response.municipality) or not actor.is_prefecture:
        raise PermissionDenied
    response = SurveyResponse.objects.select_for_update().get(pk=response.pk)
    if response.status != SurveyResponse.Status.SUBMITTED:
        return response
    response.status = SurveyResponse.Status.RETURNED
    response.return_comment = comment
    response.version += 1
    response.updated_by = actor
    response.save()
    audit.record(response, audit.Action.RETURN, owner=response.survey, note=comment[:300])
    return response


def question_has_answers(question: Question) -> bool:
    """Whether any municipality has answered the question (drafts included)."""
    from .answer_form import field_names

    keys = set(field_names(question))
    return any(keys & set(answers) for answers in SurveyResponse.objects.filter(
        survey_id=question.section.survey_id).values_list("answers", flat=True))


@transaction.atomic
def survey_copy(*, actor, survey: Survey) -> Survey:
    """Next year's survey from this one: same questions and targets, dates a year later."""
    import datetime

    if not actor.is_prefecture:
        raise PermissionDenied
    year = datetime.timedelta(days=364)  # 52 weeks: the same weekday next year
    copy = Survey.objects.create(
        title=survey.title.replace(str(survey.fiscal_year), str(survey.fiscal_year + 1)),
        fiscal_year=survey.fiscal_year + 1, description=survey.description,
        opens_at=survey.opens_at + year, deadline=survey.deadline + year,
        reminder_plan=survey.reminder_plan, reminder_copies=survey.reminder_copies,
        copied_from=survey)
    copy.municipalities.set(survey.municipalities.all())
    for section in survey.sections.prefetch_related("questions"):
        questions = list(section.questions.all())
        section.pk, section.survey = None, copy
        section.save()
        for question in questions:
            question.pk, question.section = None, section
            question.save()
    return copy


@transaction.atomic
def theme_from_need(*, actor, survey: Survey, question: Question, choice: str):
    """Turns a need chosen by several municipalities into a collaboration theme that keeps
    the link to the answers it came from. Asking again returns the same theme."""
    from collaboration.models import Theme

    from .answer_form import field_names
    from .models import ThemeSource

    if not actor.is_prefecture:
        raise PermissionDenied
    existing = ThemeSource.objects.filter(survey=survey, question=question,
                                          choice=choice).select_related("theme").first()
    if existing is not None:
        return existing.theme
    name = field_names(question)[0]
    chose = [r.municipality for r in SurveyResponse.objects.filter(
        survey=survey, status=SurveyResponse.Status.SUBMITTED).select_related("municipality")
        if choice in (r.answers.get(name) if isinstance(r.answers.get(name), list)
                      else [r.answers.get(name)])]
    theme = Theme.objects.create(
        title=f"{choice}（{survey.title}より）",
        description="、".join(m.name for m in sorted(chose, key=lambda m: m.lg_code))
        + f" が「{question.text}」で選択")
    source = ThemeSource.objects.create(theme=theme, survey=survey, question=question,
                                        choice=choice, created_by=actor)
    source.municipalities.set(chose)
    return theme
