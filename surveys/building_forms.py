"""The forms prefecture staff build a survey with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, Region

from .models import Question, Section, Survey

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and time picker; the value is read and shown in Japan time (TIME_ZONE)."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format=DATETIME_FORMAT)


class SurveyForm(forms.ModelForm):
    ALL, FILTER, EACH = "all", "filter", "each"

    target_mode = forms.ChoiceField(
        label=_("Municipalities asked"), widget=forms.RadioSelect, initial=ALL,
        choices=[(ALL, _("All 35 municipalities")),
                 (FILTER, _("By region and kind")),
                 (EACH, _("One by one"))])
    regions = forms.ModelMultipleChoiceField(
        label=_("Regions"), queryset=Region.objects.all(), required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every region."))
    kinds = forms.MultipleChoiceField(
        label=_("Kinds"), choices=Municipality.Kind.choices, required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("None ticked: every kind."))
    targets = forms.ModelMultipleChoiceField(
        label=_("Municipalities"), queryset=Municipality.objects.select_related("region"),
        required=False, widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = Survey
        fields = ["title", "fiscal_year", "description", "opens_at", "deadline"]
        labels = {"description": _("Purpose"), "opens_at": _("Opens (Japan time)"),
                  "deadline": _("Deadline (Japan time)")}
        widgets = {"opens_at": LocalDateTimeInput(), "deadline": LocalDateTimeInput(),
                   "description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("opens_at", "deadline"):
            self.fields[name].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        self.fields["fiscal_year"].help_text = _("The year the 年度 starts in, e.g. 2026.")
        self.fields["fiscal_year"].widget.attrs.update(min=2000, max=2100)
        if self.instance.pk and not self.is_bound:
            chosen = set(self.instance.municipalities.values_list("pk", flat=True))
            everyone = set(Municipality.objects.values_list("pk", flat=True))
            self.initial["target_mode"] = self.ALL if chosen == everyone else self.EACH
            self.initial["targets"] = sorted(chosen)

    def clean_fiscal_year(self):
        year = self.cleaned_data["fiscal_year"]
        if not 2000 <= year <= 2100:
            raise forms.ValidationError(_("Give the year the 年度 starts in, e.g. 2026."))
        return year

    def clean(self):
        data = super().clean()
        opens, deadline = data.get("opens_at"), data.get("deadline")
        if opens and deadline and deadline <= opens:
            self.add_error("deadline", _("The deadline must be after the opening."))
        if data.get("target_mode") == self.EACH and not data.get("targets"):
            self.add_error("targets", _("Tick at least one municipality."))
        return data

    def target_arguments(self) -> dict:
        data = self.cleaned_data
        return {"mode": data["target_mode"], "regions": list(data.get("regions") or []),
                "kinds": list(data.get("kinds") or []),
                "municipalities": list(data.get("targets") or [])}


class ReminderStepForm(forms.Form):
    # A row left empty is ignored rather than refused, like a ticked "remove".
    days = forms.IntegerField(label=_("Days from the deadline"), min_value=-60, max_value=60,
                              required=False,
                              help_text=_("Negative: before the deadline; positive: after."))
    copy_liaison = forms.BooleanField(label=_("Copy the liaison room"), required=False)


ReminderPlanFormSet = forms.formset_factory(ReminderStepForm, extra=1, can_delete=True,
                                            max_num=10, validate_max=True)


def plan_initial(survey: Survey) -> list[dict]:
    return [{"days": days, "copy_liaison": survey.copies_liaison(days)}
            for days in survey.reminder_plan]


def plan_from(formset) -> tuple[list[int], list[int]]:
    """The reminder plan and the steps copied to the liaison room, from a valid formset."""
    steps = {}
    for form in formset.forms:
        data = form.cleaned_data
        if not data or data.get("DELETE") or data.get("days") is None:
            continue
        steps[data["days"]] = steps.get(data["days"], False) or data["copy_liaison"]
    plan = sorted(steps)
    return plan, [days for days in plan if steps[days]]


class SectionForm(forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title"]
        labels = {"title": _("Section title")}


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For single choice, multiple choice and ranking questions."))

    class Meta:
        model = Question
        fields = ["kind", "text", "help_text", "required", "choices_text", "allow_other",
                  "unit", "minimum", "maximum"]
        labels = {"minimum": _("Minimum (numbers)"), "maximum": _("Maximum (numbers)"),
                  "unit": _("Unit (numbers)")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])
        self.fields["allow_other"].help_text = _("Single and multiple choice questions only.")

    def clean(self):
        data = super().clean()
        choices = list(dict.fromkeys(
            line.strip()[:200] for line in (data.get("choices_text") or "").splitlines()
            if line.strip()))
        kind = data.get("kind")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING) \
                and not choices:
            self.add_error("choices_text", _("This type of question needs choices."))
        if len(choices) > 60:
            self.add_error("choices_text", _("Give at most 60 choices."))
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("The maximum must not be below the minimum."))
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING):
            self.instance.choices = choices
        else:
            self.instance.choices = []
        return data


class CopyForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Survey to copy"), queryset=Survey.objects.none(),
                                    empty_label=None)

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = surveys
