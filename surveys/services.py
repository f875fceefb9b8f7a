"""Writes on surveys and answers. Every save and submission is plain database work: nothing
here waits for Redis or a worker."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.db.models.signals import post_save
from django.utils import timezone

from collaboration.models import Theme
from portal.lib import audit, caching
from portal.lib.permissions import can, can_create, scope

from . import answer_files
from .answer_form import AnswerForm, as_form_data, field_names
from .conditions import hidden_keys, shown_questions
from .extensions import deadline_for
from .merging import Merge, key_of, merge
from .models import Question, Survey, SurveyResponse, ThemeSource
from .policies import ANSWER, PROXY, RETURN, RUN, followed


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


def questionnaire(survey: Survey) -> list[Question]:
    """``questions_of(survey)`` as a list, kept in the process while the "surveys" topic
    stands (every change to a survey, its sections or its questions bumps it): autosaves a
    second or two apart do not read the questionnaire each time. Read afresh when the cache
    is off or down. The list is shared: callers do not change it or its questions."""
    return caching.remember("survey-questions", ("surveys",), (survey.pk,),
                            lambda: list(questions_of(survey)), local=True)


def answers_for(actor, survey: Survey, municipality) -> bool:
    """Whether ``actor`` fills in ``municipality``'s answer: its own staff (``ANSWER``), or
    prefecture staff and its liaison room on its behalf (``PROXY``, 代理入力)."""
    if municipality is None:
        return False
    if actor.scope_municipality is not None:
        return actor.scope_municipality == municipality and can(actor, ANSWER, survey)
    return can(actor, PROXY, survey) and followed(actor, survey).filter(
        pk=municipality.pk).exists()


def is_proxy(actor, municipality) -> bool:
    return actor.scope_municipality != municipality


def _response_to_edit(actor, survey: Survey, municipality) -> SurveyResponse:
    """The municipality's answer, locked for this transaction, once ``actor`` may answer the
    open survey for it; created empty on the first save."""
    _check_answerable(survey)
    if not answers_for(actor, survey, municipality):
        raise PermissionDenied
    return _locked_response(survey, municipality)


def _check_answerable(survey: Survey) -> None:
    if not survey.is_open() or survey.finalised_at is not None:
        raise NotAnswerable


def _created_response(survey, municipality) -> SurveyResponse:
    try:
        with transaction.atomic():
            return SurveyResponse.objects.get_or_create(survey=survey,
                                                        municipality=municipality)[0]
    except IntegrityError:  # created by a concurrent first save
        return SurveyResponse.objects.get(survey=survey, municipality=municipality)


def _locked_response(survey, municipality) -> SurveyResponse:
    _created_response(survey, municipality)
    return SurveyResponse.objects.select_for_update().get(survey=survey,
                                                          municipality=municipality)


def own_answer(actor, survey_pk: int) -> SurveyResponse | None:
    """The answer of ``actor``'s own municipality to the survey, in one query that also holds
    the permission, when ``actor`` may answer it now (the survey's ``ANSWER`` scope); None
    when it is not begun yet or not theirs to change, which the caller decides the usual way.
    Its survey carries only its id: any other field is read from the database when used (an
    autosave uses none)."""
    municipality = actor.scope_municipality
    if municipality is None:
        return None
    try:
        response = SurveyResponse.objects.get(
            survey_id=survey_pk, municipality=municipality,
            survey__in=scope(actor, ANSWER, Survey.objects.all()))
    except SurveyResponse.DoesNotExist:
        return None
    response.survey = Survey.from_db(response._state.db, ["id"], [response.survey_id])
    response.municipality = municipality
    return response


def _response_to_read(actor, survey: Survey, municipality) -> SurveyResponse:
    """The municipality's answer as stored, not locked, once ``actor`` may answer for it. For
    the municipality's own staff the permission is read in the same query as the row."""
    _check_answerable(survey)
    if actor.scope_municipality is not None and actor.scope_municipality == municipality:
        answerable = scope(actor, ANSWER, Survey.objects.filter(pk=survey.pk))
        response = SurveyResponse.objects.filter(
            survey=survey, municipality=municipality, survey__in=answerable).first()
        if response is not None:
            response.survey, response.municipality = survey, municipality
            return response
    if not answers_for(actor, survey, municipality):
        raise PermissionDenied
    response = _created_response(survey, municipality)
    response.survey, response.municipality = survey, municipality
    return response


def _changed(response: SurveyResponse, merged: Merge, answers: dict, actor, questions,
             municipality) -> bool:
    """Sets on ``response`` the questions the merge applied, each stamped with the new
    version; the answers of questions their conditions now hide are cleared. False when the
    merge applied nothing."""
    if not merged.applied:
        return False
    stored, meta = dict(response.answers), dict(response.question_meta)
    response.version += 1
    at = timezone.now().isoformat()
    for question in merged.applied:
        for name in field_names(question):
            stored.pop(name, None)
            if name in answers:
                stored[name] = answers[name]
        meta[key_of(question)] = {"version": response.version, "by": actor.pk, "at": at}
    for question, names in hidden_keys(questions, stored).items():
        for name in names:
            stored.pop(name, None)
        meta[key_of(question)] = {"version": response.version, "by": actor.pk, "at": at}
    response.answers, response.question_meta, response.updated_by = stored, meta, actor
    if is_proxy(actor, municipality):
        response.proxy_organisation = actor.organisation
    return True


def _record_proxy(response: SurveyResponse, actor, municipality) -> None:
    if is_proxy(actor, municipality):
        audit.record(response, audit.Action.UPDATE, owner=response.survey,
                     note=f"代理入力：{actor.organisation}")


def _apply(response: SurveyResponse, merged: Merge, answers: dict, actor, questions,
           municipality) -> None:
    """Writes what the merge applied to the locked ``response``."""
    if _changed(response, merged, answers, actor, questions, municipality):
        response.save()
        _record_proxy(response, actor, municipality)


WRITTEN_FIELDS = ("answers", "question_meta", "version", "updated_by", "updated_at",
                  "proxy_organisation")


def _commit_without_waiting():
    """A condition that holds and, on PostgreSQL, lets the statement's transaction commit
    without waiting for the disk: set inside the UPDATE, so that an autosave is one round
    trip instead of BEGIN, SET LOCAL, UPDATE and COMMIT."""
    return RawSQL("(SELECT set_config('synchronous_commit', 'off', true)) = 'off'", (),
                  output_field=BooleanField())


def _write_if_unchanged(response: SurveyResponse, read_version: int, actor, municipality,
                        *, keystrokes: bool = False) -> bool:
    """One UPDATE of the row read at ``read_version``, made only if nobody wrote it since
    (every write moves the version on); False when someone did. With ``keystrokes`` (an
    autosave) the commit does not wait for the disk: see ``draft_save``."""
    response.updated_at = timezone.now()
    rows = SurveyResponse.objects.filter(pk=response.pk, version=read_version,
                                         status=response.status)
    if keystrokes and connection.vendor == "postgresql":
        rows = rows.filter(_commit_without_waiting())
    values = {name: getattr(response, name) for name in WRITTEN_FIELDS}
    if is_proxy(actor, municipality):
        # The row and its audit entry (on the municipality's behalf) together.
        with transaction.atomic():
            written = rows.update(**values)
            if written:
                _record_proxy(response, actor, municipality)
    else:
        written = rows.update(**values)
    if written:
        # The receivers of a save (surveys/apps.py: the survey-answers cache topic).
        post_save.send(SurveyResponse, instance=response, created=False,
                       update_fields=frozenset(WRITTEN_FIELDS), raw=False, using="default")
    return bool(written)


def _merged(response, questions, answers, base_version, resolution) -> Merge:
    return merge(response, questions, answers, base_version=base_version, **resolution)


# Reads again when another save wrote the row between this save's read and its write; after
# that many, waits for the row's lock as submissions do.
UNLOCKED_ATTEMPTS = 3


def draft_save(*, actor, survey: Survey, municipality, answers: dict, base_version: int,
               base: dict | None = None, keep=(), mine=(), seen=None,
               files: dict | None = None, questions=None, keystrokes: bool = False,
               read: SurveyResponse | None = None) -> Merge:
    """Stores the answers as typed, question by question: a question applies where nobody else
    changed it since the page was loaded (``base``: a digest per question, ``base_version``
    for pages without one). Where both changed the same question differently the stored value
    stays and the save reports a conflict, carrying both; the rest of the save applies.
    ``files``: checked uploads by question id, stored as the response's attachments.
    ``questions``: the survey's questions, when the caller has them already; ``read``: the
    answer as the caller has just read it with its permission (``own_answer``).

    Without files, the row is read unlocked and written with one UPDATE that holds only if
    its version is still the one read, so saves never wait for one another's lock.

    ``keystrokes``: an autosave, superseded by the next one a second or two later. Its commit
    does not wait for the disk (PostgreSQL's asynchronous commit, about 3 ms a save here):
    never an inconsistent row, but a crash of the database server itself may forget the
    autosaves of its last 0.6 s. The "Save draft" button and submissions wait as before."""
    questions = list(questions_of(survey)) if questions is None else list(questions)
    resolution = {"base": base, "keep": keep, "mine": mine, "seen": seen}
    if not files:
        for attempt in range(UNLOCKED_ATTEMPTS):
            response = read if attempt == 0 and read is not None else _response_to_read(
                actor, survey, municipality)
            if response.status == SurveyResponse.Status.SUBMITTED:
                raise AlreadySubmitted(response)
            read_version = response.version
            held = answer_files.held(questions, response.answers)
            typed = answer_files.attach(actor=actor, response=response, questions=questions,
                                        answers=answers, files={})
            merged = _merged(response, questions, typed, base_version, resolution)
            if not _changed(response, merged, typed, actor, questions, municipality):
                return merged
            if _write_if_unchanged(response, read_version, actor, municipality,
                                   keystrokes=keystrokes):
                # A file the answer let go (its remove box ticked, or hidden by a branch).
                answer_files.release(actor=actor, response=response,
                                     ids=held - answer_files.held(questions, response.answers))
                return merged
    return _locked_draft_save(actor=actor, survey=survey, municipality=municipality,
                              answers=answers, base_version=base_version,
                              resolution=resolution, files=files or {}, questions=questions)


@transaction.atomic
def _locked_draft_save(*, actor, survey, municipality, answers, base_version, resolution,
                       files, questions) -> Merge:
    response = _response_to_edit(actor, survey, municipality)
    if response.status == SurveyResponse.Status.SUBMITTED:
        raise AlreadySubmitted(response)
    answers = answer_files.attach(actor=actor, response=response, questions=questions,
                                  answers=answers, files=files)
    held = answer_files.held(questions, response.answers)
    merged = _merged(response, questions, answers, base_version, resolution)
    _apply(response, merged, answers, actor, questions, municipality)
    answer_files.release(actor=actor, response=response,
                         ids=held - answer_files.held(questions, response.answers))
    return merged


def submit(*, actor, survey: Survey, municipality, answers: dict, base_version: int,
           base: dict | None = None, keep=(), mine=(), seen=None,
           files: dict | None = None) -> SurveyResponse:
    """Saves and submits. Submitting again (double click, back button, retry) returns the
    submission already made; every missing or wrong answer is reported at once (Incomplete),
    after the answers as typed have been saved. A page that is behind what others saved is not
    submitted (Unmerged): what it changed is merged and the person looks again first."""
    response, form, merged = _submit(
        actor=actor, survey=survey, municipality=municipality, answers=answers,
        base_version=base_version, files=files or {},
        resolution={"base": base, "keep": keep, "mine": mine, "seen": seen})
    if merged is not None:
        raise Unmerged(merged)
    if form is not None:
        raise Incomplete(form, response)
    return response


@transaction.atomic
def _submit(*, actor, survey, municipality, answers, base_version, resolution, files):
    response = _response_to_edit(actor, survey, municipality)
    if response.status == SurveyResponse.Status.SUBMITTED:
        return response, None, None
    loaded_version = response.version
    questions = list(questions_of(survey))
    answers = answer_files.attach(actor=actor, response=response, questions=questions,
                                  answers=answers, files=files)
    held = answer_files.held(questions, response.answers)
    merged = _merged(response, questions, answers, base_version, resolution)
    _apply(response, merged, answers, actor, questions, municipality)
    answer_files.release(actor=actor, response=response,
                         ids=held - answer_files.held(questions, response.answers))
    if merged.conflicts or merged.others:
        return response, None, merged
    # Old answers a condition hides now are not submitted (nor checked).
    for names in hidden_keys(questions, response.answers).values():
        response.answers = {key: value for key, value in response.answers.items()
                            if key not in names}
    form = AnswerForm(questions, as_form_data(questions, response.answers),
                      shown=shown_questions(questions, response.answers))
    if not form.is_valid():
        return response, form, None  # what was typed is kept even though it is not complete
    now = timezone.now()
    was_returned = response.status == SurveyResponse.Status.RETURNED
    response.version = loaded_version + 1  # one version for the answers and the submission
    response.status = SurveyResponse.Status.SUBMITTED
    response.submitted_at, response.submitted_by = now, actor
    response.is_late = now > deadline_for(survey, municipality.pk)
    response.updated_by = actor
    if is_proxy(actor, municipality):
        response.proxy_organisation = actor.organisation
    response.save()
    notes = ["resubmitted after return" if was_returned else "",
             f"代理入力：{actor.organisation}" if is_proxy(actor, municipality) else ""]
    audit.record(response, audit.Action.SUBMIT, owner=survey,
                 note="; ".join(note for note in notes if note))
    return response, None, None


@transaction.atomic
def return_response(*, actor, response: SurveyResponse, comment: str) -> SurveyResponse:
    """Sends a submitted answer back to the municipality with the reason."""
    if not can(actor, RETURN, response):
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
    keys = set(field_names(question))
    return any(keys & set(answers) for answers in SurveyResponse.objects.filter(
        survey_id=question.section.survey_id).values_list("answers", flat=True))


@transaction.atomic
def survey_copy(*, actor, survey: Survey) -> Survey:
    """Next year's survey from this one: same questions and targets, dates a year later."""
    import datetime

    if not can_create(actor, Survey):
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
    if not can(actor, RUN, survey):
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
