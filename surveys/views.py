import time

from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from collaboration.models import Initiative
from portal.lib import caching
from portal.lib.permissions import (
    LOGGED_IN,
    VIEW,
    access,
    can,
    can_create,
    get_object_or_404,
    scope,
)

from . import (
    answer_files,
    answer_page,
    board,
    board_markup,
    conditions,
    exports,
    merging,
    results,
    results_markup,
    states,
)
from .answer_form import AnswerForm, field_names, form_field_names, raw_answers
from .conditions import shown_questions
from .extensions import deadline_for
from .models import Survey, SurveyResponse
from .policies import ANSWER, EXTEND, FOLLOW, PROXY, REMIND, RETURN, RUN, SEE_RESULTS
from .services import (
    AlreadySubmitted,
    Incomplete,
    NotAnswerable,
    Unmerged,
    own_answer,
    questionnaire,
    questions_of,
    return_response,
    submit,
    theme_from_need,
)
from .services import draft_save as save_draft

# Results count the answers, name the municipalities and link the themes made from them.
RESULTS_TOPICS = ("surveys", "reference", "initiatives", "similarity", "synonyms")


def _survey(user, pk, action=VIEW):
    return get_object_or_404(user, action, Survey.objects.all(), pk=pk)


def _sections(questions, form, *, response=None):
    """Questions grouped by section, each with its bound fields, its condition in words and
    its stored file, for the template. With ``response``: only the questions it was shown."""
    by_pk = {question.pk: question for question in questions}
    shown = shown_questions(questions, response.answers) if response is not None else None
    files = answer_files.attachments_of(response)
    grouped = {}
    for question in questions:
        if shown is not None and question.pk not in shown:
            continue
        grouped.setdefault(question.section, []).append((
            question, [form[name] for name in form_field_names(question)],
            conditions.describe(question, by_pk),
            files.get(str((response.answers if response else {}).get(f"q{question.pk}", "")))))
    return [(section, conditions.describe(section, by_pk), items)
            for section, items in grouped.items()]


@access(LOGGED_IN)
def survey_list(request):
    surveys = scope(request.user, VIEW, Survey.objects.all())
    mine = {}
    if request.user.scope_municipality is not None:
        mine = dict(SurveyResponse.objects.filter(
            municipality=request.user.scope_municipality).values_list("survey_id", "status"))
    return render(request, "surveys/survey_list.html", {
        "surveys": [(survey, mine.get(survey.pk), states.label_of(survey))
                    for survey in surveys],
        "can_build": can_create(request.user, Survey),
    })


@access(LOGGED_IN)
def survey_detail(request, pk):
    survey = _survey(request.user, pk)
    questions = list(questions_of(survey))
    return render(request, "surveys/survey_detail.html", {
        "survey": survey,
        "preview": _sections(questions, AnswerForm(questions)),
        "can_answer": can(request.user, ANSWER, survey),
        "can_follow": can(request.user, FOLLOW, survey),
        "can_see_results": can(request.user, SEE_RESULTS, survey),
        "can_build": can(request.user, RUN, survey),
        "notices_sent": survey.opening_notices.filter(sent_at__isnull=False).count()
        if can(request.user, RUN, survey) else 0,
        "state_steps": states.steps(survey),
        "moves": states.available_moves(request.user, survey),
    })


def _answer_page(request, survey, questions, form, response, *, status=200, conflicts=(),
                 municipality=None):
    """The answer form of the user's own municipality, or of ``municipality`` for staff
    entering its answer on its behalf (代理入力)."""
    proxy = municipality is not None
    municipality = municipality or request.user.scope_municipality
    deadline = deadline_for(survey, municipality.pk)
    return render(request, "surveys/answer.html", {
        "survey": survey, "form": form, "response": response, "municipality": municipality,
        "proxy": proxy, "deadline": deadline, "extended": deadline != survey.deadline,
        "form_url": reverse("survey_proxy", args=[survey.pk, municipality.lg_code]) if proxy
        else reverse("survey_answer", args=[survey.pk]),
        "sections": answer_page.sections(questions, form, response, conflicts),
        "version": response.version if response else 0, "conflicts": conflicts,
        "past_deadline": timezone.now() > deadline,
        **answer_page.form_state(questions, response, conflicts),
    }, status=status)


def _conflict_page(request, survey, questions, merged, municipality=None):
    """The form again after a save that others' saves overlapped: their values where only they
    changed a question, the person's own where both did, with the stored version beside it."""
    shown = dict(merged.response.answers)
    for conflict in merged.conflicts:
        for name in field_names(conflict.question):
            shown.pop(name, None)
        shown.update(conflict.mine)
    if merged.conflicts:
        messages.error(request, _("Someone else changed the same questions in the meantime. "
                                  "Both versions are shown there: choose one, or combine them "
                                  "in the field and keep yours."))
    else:
        messages.warning(request, _("Someone else changed other questions in the meantime; "
                                    "their changes are shown below. Check the answer and "
                                    "submit again."))
    return _answer_page(request, survey, questions, AnswerForm(questions, initial=shown),
                        merged.response, status=409, conflicts=merged.conflicts,
                        municipality=municipality)


def _refused_files_page(request, survey, questions, response, errors, municipality=None):
    """The draft was saved without the files refused; each one's reason at its question."""
    form = AnswerForm(questions, initial=response.answers)
    form.cleaned_data = {}  # an unbound form that carries only these errors
    for name, message in errors.items():
        form.add_error(name, message)
    messages.error(request, _("A file could not be accepted; the rest of your draft has been "
                              "saved."))
    return _answer_page(request, survey, questions, form, response, status=400,
                        municipality=municipality)


def _resolution(request) -> dict:
    """The page's base digests and the choices made on conflicting questions."""
    seen = merging.parse_digests(request.POST.get("seen", "")) or {}
    return {"base": merging.parse_digests(request.POST.get("base", "")),
            "keep": set(request.POST.getlist("keep")[:500]),
            "mine": set(request.POST.getlist("mine")[:500]), "seen": seen}


# People answering keep their session alive: a save moves its expiry forward, at most once a
# minute, so that autosaves every second or two do not each write the session row.
KEEP_ALIVE_SECONDS = 60


def _keep_alive(session) -> None:
    now = int(time.time())
    if not 0 <= now - session.get("answering_at", 0) < KEEP_ALIVE_SECONDS:
        session["answering_at"] = now


@access(LOGGED_IN)
def survey_answer(request, pk):
    # An autosave of a begun answer reads the answer and the permission in one query.
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    read = own_answer(request.user, pk) if autosave else None
    if read is not None:
        return answer_view(request, read.survey, read.municipality, proxy=False, read=read)
    survey = _survey(request.user, pk)
    municipality = request.user.scope_municipality
    # The survey's own scope lets a municipality see only the surveys sent to it.
    if municipality is None:
        raise Http404
    return answer_view(request, survey, municipality, proxy=False)


def answer_view(request, survey, municipality, *, proxy: bool, read=None):
    """Shows and saves one municipality's answer: by its own staff, or on its behalf.
    ``read``: the answer as just read with the permission to change it (``own_answer``)."""
    autosave = request.method == "POST" and request.headers.get("X-Autosave") == "1"
    # A keystroke's save, superseded by the next one, takes the questionnaire kept in the
    # process; the page, the Save draft button and submissions read it afresh.
    questions = list(questionnaire(survey) if autosave else questions_of(survey))
    here = reverse("survey_proxy", args=[survey.pk, municipality.lg_code]) if proxy \
        else reverse("survey_answer", args=[survey.pk])
    on_behalf = municipality if proxy else None
    _keep_alive(request.session)
    if request.method != "POST":
        response = SurveyResponse.objects.filter(survey=survey,
                                                 municipality=municipality).first()
        initial = response.answers if response else {}
        return _answer_page(request, survey, questions, AnswerForm(questions, initial=initial),
                            response, municipality=on_behalf)

    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("The form is missing its version; reload the page."))
    answers = raw_answers(questions, request.POST)
    action = request.POST.get("action", "save")
    files, file_errors = answer_files.check_files(questions, request.FILES)
    who = {"actor": request.user, "survey": survey, "municipality": municipality,
           "answers": answers, "base_version": base_version, "files": files,
           **_resolution(request)}
    try:
        if action == "submit" and not file_errors:
            submit(**who)
            messages.success(request, _("The answer of %(name)s has been submitted on its "
                                        "behalf.") % {"name": municipality.name} if proxy
                             else _("Your answer has been submitted. Thank you."))
            return redirect(here)
        merged = save_draft(**who, questions=questions, keystrokes=autosave, read=read)
    except Unmerged as error:
        return _conflict_page(request, survey, questions, error.merged, on_behalf)
    except AlreadySubmitted as error:
        if autosave:
            return JsonResponse({"submitted": True}, status=409)
        messages.info(request, _("This answer has already been submitted."))
        return _answer_page(request, survey, questions, AnswerForm(
            questions, initial=error.current.answers), error.current, status=409,
            municipality=on_behalf)
    except Incomplete as error:
        messages.error(request, _("Some answers are missing or need correcting; your draft "
                                  "has been saved."))
        return _answer_page(request, survey, questions, error.form, error.response, status=400,
                            municipality=on_behalf)
    except NotAnswerable:
        return HttpResponseBadRequest(
            _("The results of this survey are finalised: answers can no longer be changed.")
            if survey.finalised_at else _("This survey is not open for answers yet."))
    if autosave:
        return JsonResponse(answer_page.autosave_reply(questions, merged),
                            status=409 if merged.conflicts else 200)
    if merged.conflicts:
        return _conflict_page(request, survey, questions, merged, on_behalf)
    if file_errors:
        return _refused_files_page(request, survey, questions, merged.response, file_errors,
                                   on_behalf)
    messages.success(request, _("Your draft has been saved.") if not merged.others else _(
        "Your draft has been saved. Changes others saved to other questions are kept."))
    return redirect(here)


def _followed_survey(request, pk):
    return _survey(request.user, pk, FOLLOW)


@access(LOGGED_IN)
def survey_status(request, pk):
    survey = _followed_survey(request, pk)

    def build():
        rights = {"can_extend": can(request.user, EXTEND, survey),
                  "can_proxy": can(request.user, PROXY, survey)}
        shown = board.board_for(request.user, survey)
        return caching.render("surveys/_board.html", {
            "survey": survey, "can_remind": can(request.user, REMIND, survey), **rights,
            "state_label": states.label_of(survey), **shown,
            "board_rows": board_markup.rows(shown, **rights)}, request)

    return render(request, "surveys/status.html", {
        "survey": survey,
        "board": caching.fragment(
            request, "survey-board", ("surveys", "survey-states", "reference"), (survey.pk,),
            build),
    })


@access(LOGGED_IN)
def survey_response(request, pk, lg_code):
    survey = _followed_survey(request, pk)
    response = get_object_or_404(request.user, VIEW, SurveyResponse.objects.select_related(
        "municipality__region"), survey=survey, municipality__lg_code=lg_code)
    # The answers' scope keeps a liaison room to its region's municipalities.
    questions = list(questions_of(survey))
    form = AnswerForm(questions, initial=response.answers)
    if request.method == "POST":
        comment = request.POST.get("comment", "").strip()[:2000]
        if not comment:
            messages.error(request, _("Write why the answer is returned."))
        else:
            return_response(actor=request.user, response=response, comment=comment)
            messages.success(request, _("The answer has been returned to %(name)s.")
                             % {"name": response.municipality.name})
            return redirect("survey_status", pk=survey.pk)
    grouped = _sections(questions, form, response=response)
    return render(request, "surveys/response.html", {
        "survey": survey, "response": response, "sections": grouped,
        "files": [(item[0], item[3]) for _section, _note, items in grouped for item in items
                  if item[3] is not None],
        "can_return": can(request.user, RETURN, response),
    })


@access(LOGGED_IN)
def survey_results(request, pk):
    survey = _followed_survey(request, pk)
    return render(request, "surveys/results.html", {
        "survey": survey,
        "results_html": caching.fragment(
            request, "survey-results", RESULTS_TOPICS, (survey.pk,),
            lambda: _results_html(request, survey), reads=(Initiative,)),
    })


def _results_html(request, survey) -> str:
    computed = results.results_for(request.user, survey, similar_cases=True)
    return caching.render("surveys/_results.html", {
        "survey": survey, **computed, "sections": results_markup.sections(computed),
        # The fragment's forms carry the placeholder, as caching.render's do.
        "shared_needs_list": results_markup.shared_needs(
            computed["shared_needs"], survey, runs_survey=can(request.user, RUN, survey),
            csrf_token=caching.CSRF_PLACEHOLDER)}, request)


def _export_inputs(request, pk):
    survey = _followed_survey(request, pk)
    return survey, results.answer_rows(request.user, survey), list(questions_of(survey))


@access(LOGGED_IN)
def survey_export_csv(request, pk):
    return exports.csv_response(*_export_inputs(request, pk))


@access(LOGGED_IN)
def survey_export_xlsx(request, pk):
    survey = _followed_survey(request, pk)
    return exports.xlsx_response(survey, results.results_for(request.user, survey,
                                                                    with_rows=True))


@require_POST
@access(LOGGED_IN)
def survey_theme(request, pk):
    survey = _survey(request.user, pk, RUN)
    question_id = request.POST.get("question", "")
    choice = request.POST.get("choice", "").strip()[:200]
    question = questions_of(survey).filter(pk=int(question_id)).first() \
        if question_id.isdigit() and len(question_id) < 12 else None
    if question is None or not choice:
        return HttpResponseBadRequest(_("Choose a need from the results."))
    theme = theme_from_need(actor=request.user, survey=survey, question=question, choice=choice)
    messages.success(request, _("The collaboration theme “%(title)s” has been created.")
                     % {"title": theme.title})
    return redirect(theme)  # the theme's page: where it came from, and its path from here
