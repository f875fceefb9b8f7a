"""The survey year's pages: moving a survey through its states, extending a municipality's
deadline, entering an answer on its behalf, reminding by hand, printing an answer for
approval and the results shared back with the municipalities that answered."""

import datetime

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.lib.permissions import LOGGED_IN, access
from portal.lib.queue import enqueue_on_commit

from . import approval_print, reminders, states
from .extensions import extend_deadline
from .models import DeadlineExtension, SurveyResponse
from .policies import EXTEND, FOLLOW, PROXY, REMIND, RUN, SEE_RESULTS, followed
from .results import results_for
from .tasks import remind_now
from .views import _survey, answer_view


def _followed_municipality(user, survey, lg_code):
    """A target municipality the user follows; any other does not exist for them."""
    municipality = followed(user, survey).filter(lg_code=lg_code).first()
    if municipality is None:
        raise Http404("No municipality found in scope")
    return municipality


def _move_view(key):
    @access(LOGGED_IN)
    def view(request, pk):
        survey = _survey(request.user, pk, RUN)
        move = states.moves()[key]
        if request.method == "POST" and request.POST.get("confirm") == "yes":
            try:
                states.move_survey(actor=request.user, survey=survey, move=key,
                                   named=request.POST.get("named") == "yes")
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, move.done)
            return redirect("survey_detail", pk=survey.pk)
        return render(request, "surveys/confirm_move.html", {
            "survey": survey, "move": move, "state": states.label_of(survey),
            "possible": states.state_of(survey) == move.source,
            "running": states.running_extensions(survey) if key == "finalise" else 0})
    view.__name__ = f"survey_{key}"
    return view


survey_close = _move_view("close")
survey_finalise = _move_view("finalise")
survey_reopen = _move_view("reopen")
survey_publish = _move_view("publish")
survey_unpublish = _move_view("unpublish")


class ExtensionForm(forms.Form):
    day = forms.DateField(label=gettext_lazy("New deadline (day)"),
                          widget=forms.DateInput(attrs={"type": "date"}))
    time = forms.TimeField(label=gettext_lazy("Time"), initial=datetime.time(17, 0),
                           widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500,
                             widget=forms.Textarea(attrs={"rows": 3}))

    def until(self):
        return timezone.make_aware(datetime.datetime.combine(self.cleaned_data["day"],
                                                             self.cleaned_data["time"]))


@access(LOGGED_IN)
def survey_extend(request, pk, lg_code):
    survey = _survey(request.user, pk, EXTEND)
    municipality = _followed_municipality(request.user, survey, lg_code)
    current = DeadlineExtension.objects.filter(survey=survey, municipality=municipality).first()
    status = 200
    if request.method == "POST":
        form = ExtensionForm(request.POST)
        if form.is_valid():
            try:
                extend_deadline(actor=request.user, survey=survey, municipality=municipality,
                                until=form.until(), reason=form.cleaned_data["reason"])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error("day" if field == "until" else field, errors)
            else:
                messages.success(request, _("The deadline of %(name)s has been extended.")
                                 % {"name": municipality.name})
                return redirect("survey_status", pk=survey.pk)
        status = 400
    else:
        local = timezone.localtime(current.until if current else survey.deadline)
        form = ExtensionForm(initial={
            "day": local.date() + (datetime.timedelta() if current else datetime.timedelta(7)),
            "time": local.time().replace(second=0, microsecond=0),
            "reason": current.reason if current else ""})
    return render(request, "surveys/extend.html", {
        "survey": survey, "municipality": municipality, "form": form, "current": current,
    }, status=status)


@access(LOGGED_IN)
def survey_proxy(request, pk, lg_code):
    survey = _survey(request.user, pk, PROXY)
    municipality = _followed_municipality(request.user, survey, lg_code)
    return answer_view(request, survey, municipality, proxy=True)


@access(LOGGED_IN)
def survey_remind(request, pk):
    """Asks first, naming the e-mails it will send; a second press finds nothing due."""
    survey = _survey(request.user, pk, REMIND)
    municipalities, emails = reminders.on_demand_due(survey, timezone.now())
    if request.method != "POST":
        return render(request, "surveys/confirm_remind.html", {
            "survey": survey, "municipalities": municipalities, "emails": emails})
    if not municipalities:
        messages.info(request, _("Nothing was due: every municipality that has not submitted "
                                 "has already been reminded today."))
    else:
        enqueue_on_commit(remind_now, survey.pk)
        messages.success(request, _("%(emails)s reminders are on their way to the %(count)s "
                                    "municipalities that have not submitted.")
                         % {"emails": emails, "count": municipalities})
    return redirect("survey_status", pk=survey.pk)


def _answer_of(survey, municipality):
    return SurveyResponse.objects.select_related("updated_by", "submitted_by",
                                                 "proxy_organisation").filter(
        survey=survey, municipality=municipality).first()


def _own_answer(request, pk):
    survey = _survey(request.user, pk)
    municipality = request.user.scope_municipality
    if municipality is None:
        raise Http404
    return survey, municipality, _answer_of(survey, municipality)


def _followed_answer(request, pk, lg_code):
    """A target municipality's answer for prefecture staff and its region's liaison room;
    anyone else finds no such page."""
    survey = _survey(request.user, pk, FOLLOW)
    municipality = _followed_municipality(request.user, survey, lg_code)
    return survey, municipality, _answer_of(survey, municipality)


def _print_page(request, survey, municipality, response, *, own):
    links = ({"back": reverse("survey_answer", args=[survey.pk]), "back_label": _("Your answer"),
              "pdf_url": reverse("survey_answer_pdf", args=[survey.pk])} if own else
             {"back": reverse("survey_status", args=[survey.pk]),
              "back_label": _("Status board"),
              "pdf_url": reverse("survey_response_pdf", args=[survey.pk, municipality.lg_code])})
    return render(request, "surveys/approval_print.html", {
        **approval_print.context(survey, municipality, response), **links})


def _pdf_reply(survey, municipality, response):
    reply = HttpResponse(approval_print.pdf_bytes(survey, municipality, response),
                         content_type="application/pdf")
    reply["Content-Disposition"] = (f'attachment; filename="survey-{survey.pk}-'
                                    f'{municipality.lg_code}.pdf"')
    return reply


@access(LOGGED_IN)
def survey_answer_print(request, pk):
    return _print_page(request, *_own_answer(request, pk), own=True)


@access(LOGGED_IN)
def survey_answer_pdf(request, pk):
    return _pdf_reply(*_own_answer(request, pk))


@access(LOGGED_IN)
def survey_response_print(request, pk, lg_code):
    return _print_page(request, *_followed_answer(request, pk, lg_code), own=False)


@access(LOGGED_IN)
def survey_response_pdf(request, pk, lg_code):
    return _pdf_reply(*_followed_answer(request, pk, lg_code))


@access(LOGGED_IN)
def survey_shared_results(request, pk):
    """The published results as a municipality that answered sees them: the totals, and the
    named answers if the planner chose so; only submitted answers are ever counted."""
    survey = _survey(request.user, pk, SEE_RESULTS)
    if survey.results_published_at is None:
        raise Http404
    return render(request, "surveys/shared_results.html", {
        "survey": survey, "named": survey.results_named, **results_for(request.user, survey)})

