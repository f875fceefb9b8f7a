from django.contrib import messages
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import caching
from portal.permissions import FOLLOW, LOGGED_IN, VIEW, access, can, get_object_or_404, scope
from portal.queue import enqueue_on_commit

from . import answer_page, board, exports, merging, results
from .answer_form import AnswerForm, field_names, raw_answers
from .models import Survey, SurveyResponse
from .services import (
    AlreadySubmitted,
    Incomplete,
    NotAnswerable,
    Unmerged,
    may_answer,
    questions_of,
    return_response,
    submit,
    theme_from_need,
)
from .services import draft_save as save_draft
from .tasks import remind_now

# Results count the answers, name the municipalities and link the themes made from them.
RESULTS_TOPICS = ("surveys", "reference", "initiatives")


def _survey(user, pk):
    return get_object_or_404(user, VIEW, Survey.objects.all(), pk=pk)


def _sections(questions, form):
    """Questions grouped by section, each with its bound fields, for the template."""
    grouped = {}
    for question in questions:
        grouped.setdefault(question.section, []).append(
            (question, [form[name] for name in field_names(question)]))
    return list(grouped.items())


@access(LOGGED_IN)
def survey_list(request):
    surveys = scope(request.user, VIEW, Survey.objects.all())
    mine = {}
    if request.user.scope_municipality is not None:
        mine = dict(SurveyResponse.objects.filter(
            municipality=request.user.scope_municipality).values_list("survey_id", "status"))
    return render(request, "surveys/survey_list.html", {
        "surveys": [(survey, mine.get(survey.pk)) for survey in surveys],
        "can_build": request.user.is_prefecture,
    })


@access(LOGGED_IN)
def survey_detail(request, pk):
    survey = _survey(request.user, pk)
    questions = list(questions_of(survey))
    return render(request, "surveys/survey_detail.html", {
        "survey": survey,
        "preview": _sections(questions, AnswerForm(questions)),
        "can_answer": may_answer(request.user, survey, request.user.scope_municipality),
        "can_follow": request.user.is_prefecture or request.user.scope_region is not None,
        "can_build": request.user.is_prefecture,
        "notices_sent": survey.opening_notices.filter(sent_at__isnull=False).count()
        if request.user.is_prefecture else 0,
    })


def _answer_page(request, survey, questions, form, response, *, status=200, conflicts=()):
    return render(request, "surveys/answer.html", {
        "survey": survey, "form": form, "response": response,
        "sections": answer_page.sections(questions, form, response, conflicts),
        "version": response.version if response else 0, "conflicts": conflicts,
        "past_deadline": survey.is_past_deadline(),
        **answer_page.form_state(questions, response, conflicts),
    }, status=status)


def _conflict_page(request, survey, questions, merged):
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
                        merged.response, status=409, conflicts=merged.conflicts)


def _resolution(request) -> dict:
    """The page's base digests and the choices made on conflicting questions."""
    seen = merging.parse_digests(request.POST.get("seen", "")) or {}
    return {"base": merging.parse_digests(request.POST.get("base", "")),
            "keep": set(request.POST.getlist("keep")[:500]),
            "mine": set(request.POST.getlist("mine")[:500]), "seen": seen}


@access(LOGGED_IN)
def survey_answer(request, pk):
    survey = _survey(request.user, pk)
    municipality = request.user.scope_municipality
    if municipality is None or not may_answer(request.user, survey, municipality):
        raise Http404
    questions = list(questions_of(survey))
    response = SurveyResponse.objects.filter(survey=survey, municipality=municipality).first()
    # People answering keep their session alive: each save moves its expiry forward.
    request.session.modified = True
    if request.method != "POST":
        initial = response.answers if response else {}
        return _answer_page(request, survey, questions, AnswerForm(questions, initial=initial),
                            response)

    autosave = request.headers.get("X-Autosave") == "1"
    try:
        base_version = int(request.POST.get("version", ""))
    except ValueError:
        return HttpResponseBadRequest(_("The form is missing its version; reload the page."))
    answers = raw_answers(questions, request.POST)
    action = request.POST.get("action", "save")
    who = {"actor": request.user, "survey": survey, "municipality": municipality,
           "answers": answers, "base_version": base_version, **_resolution(request)}
    try:
        if action == "submit":
            submit(**who)
            messages.success(request, _("Your answer has been submitted. Thank you."))
            return redirect("survey_answer", pk=survey.pk)
        merged = save_draft(**who)
    except Unmerged as error:
        return _conflict_page(request, survey, questions, error.merged)
    except AlreadySubmitted as error:
        if autosave:
            return JsonResponse({"submitted": True}, status=409)
        messages.info(request, _("This answer has already been submitted."))
        return _answer_page(request, survey, questions, AnswerForm(
            questions, initial=error.current.answers), error.current, status=409)
    except Incomplete as error:
        messages.error(request, _("Some answers are missing or need correcting; your draft "
                                  "has been saved."))
        return _answer_page(request, survey, questions, error.form, error.response, status=400)
    except NotAnswerable:
        return HttpResponseBadRequest(_("This survey is not open for answers yet."))
    if autosave:
        return JsonResponse(answer_page.autosave_reply(questions, merged),
                            status=409 if merged.conflicts else 200)
    if merged.conflicts:
        return _conflict_page(request, survey, questions, merged)
    messages.success(request, _("Your draft has been saved.") if not merged.others else _(
        "Your draft has been saved. Changes others saved to other questions are kept."))
    return redirect("survey_answer", pk=survey.pk)


def _followed_survey(request, pk):
    if not (request.user.is_prefecture or request.user.scope_region is not None):
        raise Http404
    return _survey(request.user, pk)


@access(LOGGED_IN)
def survey_status(request, pk):
    survey = _followed_survey(request, pk)
    return render(request, "surveys/status.html", {
        "survey": survey,
        "board": caching.fragment(
            request, "survey-board", ("surveys", "survey-answers", "reference"), (survey.pk,),
            lambda: caching.render("surveys/_board.html", {
                "survey": survey, "can_remind": request.user.is_prefecture,
                **board.board_for(request.user, survey)}, request)),
    })


@require_POST
@access(LOGGED_IN)
def survey_remind(request, pk):
    survey = _followed_survey(request, pk)
    if not request.user.is_prefecture:
        raise Http404
    enqueue_on_commit(remind_now, survey.pk)
    messages.success(request, _("Reminders are on their way to the municipalities that have "
                                "not submitted."))
    return redirect("survey_status", pk=survey.pk)


@access(LOGGED_IN)
def survey_response(request, pk, lg_code):
    survey = _followed_survey(request, pk)
    response = get_object_or_404(request.user, VIEW, SurveyResponse.objects.select_related(
        "municipality__region"), survey=survey, municipality__lg_code=lg_code)
    if not can(request.user, FOLLOW, response.municipality):
        raise Http404
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
    return render(request, "surveys/response.html", {
        "survey": survey, "response": response, "sections": _sections(questions, form),
        "can_return": request.user.is_prefecture
        and response.status == SurveyResponse.Status.SUBMITTED,
    })


@access(LOGGED_IN)
def survey_results(request, pk):
    survey = _followed_survey(request, pk)
    return render(request, "surveys/results.html", {
        "survey": survey,
        "results_html": caching.fragment(
            request, "survey-results", RESULTS_TOPICS, (survey.pk,),
            lambda: caching.render("surveys/_results.html", {
                "survey": survey, **results.results_for(request.user, survey)}, request)),
    })


def _export_inputs(request, pk):
    survey = _followed_survey(request, pk)
    return survey, results.submitted_responses(request.user, survey), list(questions_of(survey))


@access(LOGGED_IN)
def survey_export_csv(request, pk):
    return exports.csv_response(*_export_inputs(request, pk))


@access(LOGGED_IN)
def survey_export_xlsx(request, pk):
    survey = _followed_survey(request, pk)
    return exports.xlsx_response(survey, results.results_for(request.user, survey))


@require_POST
@access(LOGGED_IN)
def survey_theme(request, pk):
    survey = _followed_survey(request, pk)
    if not request.user.is_prefecture:
        raise Http404
    question_id = request.POST.get("question", "")
    choice = request.POST.get("choice", "").strip()[:200]
    question = questions_of(survey).filter(pk=int(question_id)).first() \
        if question_id.isdigit() and len(question_id) < 12 else None
    if question is None or not choice:
        return HttpResponseBadRequest(_("Choose a need from the results."))
    theme = theme_from_need(actor=request.user, survey=survey, question=question, choice=choice)
    messages.success(request, _("The collaboration theme “%(title)s” has been created.")
                     % {"title": theme.title})
    return redirect("survey_results", pk=survey.pk)
