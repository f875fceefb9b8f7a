"""The pages prefecture staff build a survey on: its settings and targets, its sections and
questions, and the request to answer."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.lib.japanese import fiscal_year
from portal.lib.permissions import CHANGE, Roles, access, get_object_or_404, scope
from portal.lib.reports import XLSX_TYPE
from portal.models import Municipality, Region, User

from . import building, questionnaire_xlsx
from .answer_form import AnswerForm
from .building_forms import (
    CopyForm,
    QuestionForm,
    QuestionnaireImportForm,
    ReminderPlanFormSet,
    SectionForm,
    SurveyForm,
    plan_from,
    plan_initial,
)
from .conditions import describe, earlier_choice_questions
from .models import Question, Section, Survey
from .services import questions_of, survey_copy
from .views import _sections

SURVEY_BUILDERS = Roles(User.Role.PREFECTURE)


def _survey(request, pk) -> Survey:
    return get_object_or_404(request.user, CHANGE, Survey.objects.all(), pk=pk)


def _section(request, survey, section_pk) -> Section:
    return get_object_or_404(request.user, CHANGE, Section.objects.all(), survey=survey,
                             pk=section_pk)


def _question(request, survey, question_pk) -> Question:
    return get_object_or_404(request.user, CHANGE, Question.objects.select_related("section"),
                             section__survey=survey, pk=question_pk)


def _blank_survey() -> Survey:
    """A new survey's defaults: next 年度's title, two weeks to answer from a week on."""
    today = timezone.localdate()
    opens = timezone.make_aware(datetime.datetime.combine(
        today + datetime.timedelta(days=7), datetime.time(9, 0)))
    return Survey(fiscal_year=fiscal_year(today), opens_at=opens,
                  deadline=opens + datetime.timedelta(days=14, hours=8))


def _settings_page(request, survey: Survey, *, copy_form=None):
    is_new = survey.pk is None
    form = SurveyForm(request.POST or None, instance=survey, prefix="survey")
    # Bound, every row counts as typed: compared with the stored plan, an unchanged row would
    # be taken for an untouched blank one and dropped.
    plan = ReminderPlanFormSet(request.POST or None, prefix="plan",
                               initial=None if request.method == "POST"
                               else plan_initial(survey))
    if request.method == "POST" and form.is_valid() and plan.is_valid():
        survey = form.save(commit=False)
        survey.reminder_plan, survey.reminder_copies = plan_from(plan)
        try:
            survey = building.survey_save(
                actor=request.user, survey=survey,
                targets=building.targets_for(**form.target_arguments()))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("“%(title)s” has been saved.") % {"title": survey.title})
            return redirect("survey_questions" if is_new else "survey_edit", pk=survey.pk)
    municipalities = list(Municipality.objects.select_related("region"))
    return render(request, "surveys/survey_form.html", {
        "survey": None if is_new else survey, "form": form, "plan": plan,
        "copy_form": copy_form, "regions": Region.objects.all(),
        "targets_by_region": _by_region(form, municipalities),
    }, status=400 if request.method == "POST" else 200)


def _by_region(form, municipalities):
    """The municipality check boxes grouped by region, in code order."""
    boxes = {str(choice.data["value"]): choice for choice in form["targets"]}
    grouped = {}
    for municipality in municipalities:
        grouped.setdefault(municipality.region, []).append(boxes[str(municipality.pk)])
    return sorted(grouped.items(), key=lambda item: item[0].sort_order)


@access(SURVEY_BUILDERS)
def survey_create(request):
    earlier = scope(request.user, CHANGE, Survey.objects.all())
    copy_form = CopyForm(surveys=earlier) if earlier.exists() else None
    if request.method == "POST" and "copy" in request.POST:
        copy_form = CopyForm(request.POST, surveys=earlier)
        if not copy_form.is_valid():
            return HttpResponseBadRequest(_("Choose a survey to copy."))
        copy = survey_copy(actor=request.user, survey=copy_form.cleaned_data["source"])
        messages.success(request, _("Created %(title)s. Check its dates and targets.")
                         % {"title": copy.title})
        return redirect("survey_edit", pk=copy.pk)
    return _settings_page(request, _blank_survey(), copy_form=copy_form)


@access(SURVEY_BUILDERS)
def survey_edit(request, pk):
    return _settings_page(request, _survey(request, pk))


@access(SURVEY_BUILDERS)
def survey_questions(request, pk):
    survey = _survey(request, pk)
    form = SectionForm(request.POST or None, prefix="section")
    if request.method == "POST":
        if form.is_valid():
            section = building.section_save(actor=request.user, survey=survey,
                                            title=form.cleaned_data["title"])
            messages.success(request, _("The section “%(title)s” has been added.")
                             % {"title": section.title})
            return redirect(reverse("survey_questions", args=[survey.pk])
                            + f"#section-{section.pk}")
    questions = list(questions_of(survey))
    sections = list(survey.sections.all())
    by_section = {section.pk: [] for section in sections}
    for question in questions:
        by_section[question.section_id].append(question)
    _mark_edges(sections, request.GET.get("moved", ""))
    for section in sections:
        _mark_edges(by_section[section.pk], request.GET.get("moved", ""))
    answered = building.answered_questions(survey)
    by_pk = {question.pk: question for question in questions}
    for item in [*sections, *questions]:
        item.condition_text = describe(item, by_pk)
    return render(request, "surveys/survey_questions.html", {
        "survey": survey, "form": form, "answered": answered,
        "has_answers": survey.responses.exists(),
        "outline": [(section, by_section[section.pk]) for section in sections],
        "preview": _sections(questions, AnswerForm(questions)),
    }, status=400 if form.errors else 200)


def _mark_edges(items, moved: str) -> None:
    """Which move buttons each item gets, and which one takes the focus after a move: the
    button just pressed, or the other one once the item has reached the end."""
    for index, item in enumerate(items):
        item.is_first, item.is_last = index == 0, index == len(items) - 1
        kind = "section" if isinstance(item, Section) else "question"
        item.focus = ""
        if moved.startswith(f"{kind}-{item.pk}-"):
            wanted = moved.rsplit("-", 1)[1]
            blocked = item.is_first if wanted == building.UP else item.is_last
            item.focus = ({building.UP: building.DOWN, building.DOWN: building.UP}[wanted]
                          if blocked else wanted) if wanted in (building.UP, building.DOWN) \
                else ""


def _back(survey, anchor=""):
    return redirect(reverse("survey_questions", args=[survey.pk]) + anchor)


@access(SURVEY_BUILDERS)
def survey_section_edit(request, pk, section_pk):
    survey = _survey(request, pk)
    section = _section(request, survey, section_pk)
    form = SectionForm(request.POST or None, instance=section, candidates=earlier_choice_questions(
        section, questions_of(survey)))
    if request.method == "POST" and form.is_valid():
        building.section_save(actor=request.user, survey=survey, section=section,
                              title=form.cleaned_data["title"],
                              condition_question=form.instance.condition_question,
                              condition_values=form.instance.condition_values)
        messages.success(request, _("The section has been saved."))
        return _back(survey, f"#section-{section.pk}")
    return render(request, "surveys/survey_part_form.html", {
        "survey": survey, "form": form, "heading": _("Edit the section"),
    }, status=400 if form.errors else 200)


@require_POST
@access(SURVEY_BUILDERS)
def survey_section_delete(request, pk, section_pk):
    survey = _survey(request, pk)
    section = _section(request, survey, section_pk)
    try:
        building.section_delete(actor=request.user, section=section)
    except building.Answered:
        messages.error(request, _("Municipalities have answered questions of this section: "
                                  "it cannot be removed."))
        return _back(survey, f"#section-{section.pk}")
    messages.success(request, _("The section “%(title)s” has been removed.")
                     % {"title": section.title})
    return _back(survey)


def _question_page(request, survey, question, *, heading):
    form = QuestionForm(request.POST or None, instance=question,
                        candidates=earlier_choice_questions(question, questions_of(survey)))
    if request.method == "POST" and form.is_valid():
        try:
            question = building.question_save(actor=request.user, question=form.save(
                commit=False))
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The question has been saved."))
            return _back(survey, f"#question-{question.pk}")
    answered = question.pk is not None and question.pk in building.answered_questions(survey)
    return render(request, "surveys/survey_part_form.html", {
        "survey": survey, "form": form, "heading": heading, "answered": answered,
    }, status=400 if request.method == "POST" else 200)


@access(SURVEY_BUILDERS)
def survey_question_add(request, pk, section_pk):
    survey = _survey(request, pk)
    section = _section(request, survey, section_pk)
    return _question_page(request, survey, Question(section=section),
                          heading=_("Add a question to “%(title)s”") % {"title": section.title})


@access(SURVEY_BUILDERS)
def survey_question_edit(request, pk, question_pk):
    survey = _survey(request, pk)
    return _question_page(request, survey, _question(request, survey, question_pk),
                          heading=_("Edit the question"))


@require_POST
@access(SURVEY_BUILDERS)
def survey_question_delete(request, pk, question_pk):
    survey = _survey(request, pk)
    question = _question(request, survey, question_pk)
    try:
        building.question_delete(actor=request.user, question=question)
    except building.Answered:
        messages.error(request, _("Municipalities have answered this question: it cannot be "
                                  "removed. Fix its wording instead."))
        return _back(survey, f"#question-{question.pk}")
    messages.success(request, _("The question has been removed."))
    return _back(survey, f"#section-{question.section_id}")


@require_POST
@access(SURVEY_BUILDERS)
def survey_move(request, pk):
    survey = _survey(request, pk)
    kind, _sep, item_pk = request.POST.get("item", "").partition("-")
    direction = request.POST.get("direction")
    if direction not in (building.UP, building.DOWN) or not item_pk.isdigit() \
            or len(item_pk) > 12 or kind not in ("section", "question"):
        return HttpResponseBadRequest(_("Choose what to move, up or down."))
    item = _section(request, survey, int(item_pk)) if kind == "section" \
        else _question(request, survey, int(item_pk))
    building.move(actor=request.user, item=item, direction=direction)
    # Back to the moved item: the button pressed takes the keyboard focus again (autofocus;
    # a #fragment would stop it).
    return _back(survey, f"?moved={kind}-{item.pk}-{direction}")


@require_POST
@access(SURVEY_BUILDERS)
def survey_send(request, pk):
    survey = _survey(request, pk)
    if request.POST.get("when") == "now":
        survey = building.open_now(actor=request.user, survey=survey)
    try:
        survey = building.request_answers(actor=request.user, survey=survey)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("survey_detail", pk=survey.pk)
    if survey.is_open():
        messages.success(request, _("The request to answer is on its way to the staff of "
                                    "the %(count)s municipalities.")
                         % {"count": survey.municipalities.count()})
    else:
        messages.success(request, _("The request to answer will be sent when the survey "
                                    "opens."))
    return redirect("survey_status", pk=survey.pk)


@access(SURVEY_BUILDERS)
def survey_questionnaire_import(request, pk):
    survey = _survey(request, pk)
    form = QuestionnaireImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        parsed = questionnaire_xlsx.parse(form.cleaned_data["file"].content)
        problems = parsed.problems
        if not problems:
            try:
                count = building.questionnaire_import(actor=request.user, survey=survey,
                                                      parsed=parsed)
            except building.HasAnswers:
                form.add_error(None, _("Municipalities have answered this survey: its "
                                       "questionnaire cannot be replaced."))
            else:
                messages.success(request, _("%(count)s questions have been imported.")
                                 % {"count": count})
                return _back(survey)
    return render(request, "surveys/questionnaire_import.html", {
        "survey": survey, "form": form, "problems": problems,
        "has_questions": questions_of(survey).exists(),
    }, status=400 if request.method == "POST" else 200)


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@access(SURVEY_BUILDERS)
def survey_questionnaire_export(request, pk):
    survey = _survey(request, pk)
    return _xlsx(questionnaire_xlsx.questionnaire_bytes(survey), f"questions-{survey.pk}.xlsx")


@access(SURVEY_BUILDERS)
def survey_questionnaire_template(request, pk):
    _survey(request, pk)
    return _xlsx(questionnaire_xlsx.template_bytes(), "questions-template.xlsx")
