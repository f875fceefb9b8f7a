"""Writes on surveys and answers. Every save and submission is plain database work: nothing
here waits for Redis or a worker."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal import audit, permissions

from .answer_form import AnswerForm, as_form_data, field_names
from .merging import Merge, key_of, merge
from .models import Question, Survey, SurveyResponse


class Unmerged(Exception):
    """A submission from a page that is behind: someone else changed questions meanwhile (or
    both changed the same one). What could be merged was saved; nothing was submitted."""

    def __init__(self, merged: Merge):
        self.merged = merged
        super().__init__("the answer changed since the page was loaded")


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


def _apply(response: SurveyResponse, merged: Merge, answers: dict, actor) -> None:
    """Writes the questions the merge applied, each stamped with the new version."""
    if not merged.applied:
        return
    stored, meta = dict(response.answers), dict(response.question_meta)
    response.version += 1
    at = timezone.now().isoformat()
    for question in merged.applied:
        for name in field_names(question):
            stored.pop(name, None)
            if name in answers:
                stored[name] = answers[name]
        meta[key_of(question)] = {"version": response.version, "by": actor.pk, "at": at}
    response.answers, response.question_meta, response.updated_by = stored, meta, actor
    response.save()


def _merged(response, survey, answers, base_version, resolution) -> Merge:
    return merge(response, questions_of(survey), answers, base_version=base_version,
                 **resolution)


@transaction.atomic
def draft_save(*, actor, survey: Survey, municipality, answers: dict, base_version: int,
               base: dict | None = None, keep=(), mine=(), seen=None) -> Merge:
    """Stores the answers as typed, question by question: a question applies where nobody else
    changed it since the page was loaded (``base``: a digest per question, ``base_version``
    for pages without one). Where both changed the same question differently the stored value
    stays and the save reports a conflict, carrying both; the rest of the save applies."""
    response = _response_to_edit(actor, survey, municipality)
    if response.status == SurveyResponse.Status.SUBMITTED:
        raise AlreadySubmitted(response)
    merged = _merged(response, survey, answers, base_version,
                     {"base": base, "keep": keep, "mine": mine, "seen": seen})
    _apply(response, merged, answers, actor)
    return merged


def submit(*, actor, survey: Survey, municipality, answers: dict, base_version: int,
           base: dict | None = None, keep=(), mine=(), seen=None) -> SurveyResponse:
    """Saves and submits. Submitting again (double click, back button, retry) returns the
    submission already made; every missing or wrong answer is reported at once (Incomplete),
    after the answers as typed have been saved. A page that is behind what others saved is not
    submitted (Unmerged): what it changed is merged and the person looks again first."""
    response, form, merged = _submit(
        actor=actor, survey=survey, municipality=municipality, answers=answers,
        base_version=base_version,
        resolution={"base": base, "keep": keep, "mine": mine, "seen": seen})
    if merged is not None:
        raise Unmerged(merged)
    if form is not None:
        raise Incomplete(form, response)
    return response


@transaction.atomic
def _submit(*, actor, survey, municipality, answers, base_version, resolution):
    response = _response_to_edit(actor, survey, municipality)
    if response.status == SurveyResponse.Status.SUBMITTED:
        return response, None, None
    loaded_version = response.version
    merged = _merged(response, survey, answers, base_version, resolution)
    _apply(response, merged, answers, actor)
    if merged.conflicts or merged.others:
        return response, None, merged
    questions = list(questions_of(survey))
    form = AnswerForm(questions, as_form_data(questions, response.answers))
    if not form.is_valid():
        return response, form, None  # what was typed is kept even though it is not complete
    now = timezone.now()
    was_returned = response.status == SurveyResponse.Status.RETURNED
    response.version = loaded_version + 1  # one version for the answers and the submission
    response.status = SurveyResponse.Status.SUBMITTED
    response.submitted_at = now
    response.is_late = survey.is_past_deadline(now)
    response.updated_by = actor
    response.save()
    audit.record(response, audit.Action.SUBMIT, owner=survey,
                 note="resubmitted after return" if was_returned else "")
    return response, None, None


@transaction.atomic
def return_response(*, actor, response: SurveyResponse, comment: str) -> SurveyResponse:
    """Sends a submitted answer back to the municipality with the reason."""
    if not actor.is_prefecture or not permissions.can(actor, permissions.FOLLOW,
                                                      response.municipality):
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
