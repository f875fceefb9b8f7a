"""The forms prefecture staff build a survey with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, Region

from .answer_form import MAX_ROWS, MAX_TEXT, SHORT_TEXT
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


CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING,
                Question.Kind.GRID)
TEXT_KINDS = (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT)


def _lines(text: str, *, limit: int = 200) -> list[str]:
    return list(dict.fromkeys(line.strip()[:limit] for line in (text or "").splitlines()
                              if line.strip()))


class ConditionMixin:
    """「問3で『はい』の場合のみ」: the answers of one earlier choice question that show the
    item. Ticking none shows it always."""

    def add_condition(self, candidates) -> None:
        self.candidates = {question.pk: question for question in candidates}
        self.fields["condition"] = forms.MultipleChoiceField(
            label=_("Show only when"), required=False, widget=forms.CheckboxSelectMultiple,
            choices=[(f"{question.pk}|{index}", f"{question.text}：{choice}")
                     for question in candidates
                     for index, choice in enumerate(question.choices)],
            help_text=_("Tick the answers of one earlier choice question that show this; tick "
                        "none to show it always. When it is hidden it is never required and an "
                        "answer given earlier is cleared."))
        item = self.instance
        if item.condition_question_id in self.candidates:
            source = self.candidates[item.condition_question_id]
            self.initial["condition"] = [
                f"{source.pk}|{index}" for index, choice in enumerate(source.choices)
                if str(choice) in map(str, item.condition_values or [])]

    def clean_condition(self):
        picked = self.cleaned_data.get("condition") or []
        sources = {value.split("|", 1)[0] for value in picked}
        if len(sources) > 1:
            raise forms.ValidationError(_("Tick answers of one question only."))
        item = self.instance
        if not picked:
            item.condition_question, item.condition_values = None, []
            return picked
        source = self.candidates[int(sources.pop())]
        item.condition_question = source
        item.condition_values = [str(source.choices[int(value.split("|", 1)[1])])
                                 for value in picked]
        return picked


class SectionForm(ConditionMixin, forms.ModelForm):
    class Meta:
        model = Section
        fields = ["title"]
        labels = {"title": _("Section title")}

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        if candidates:
            self.add_condition(candidates)


class QuestionForm(ConditionMixin, forms.ModelForm):
    choices_text = forms.CharField(
        label=_("Choices (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("For single choice, multiple choice and ranking questions, and the columns "
                    "of a grid (none: the 1–5 scale)."))
    rows_text = forms.CharField(
        label=_("Rows of a grid (one per line)"), required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Each row is answered on the same scale or choices, e.g. each policy "
                    "field rated 1–5."))

    class Meta:
        model = Question
        fields = ["kind", "text", "help_text", "required", "choices_text", "allow_other",
                  "rows_text", "max_length", "unit", "minimum", "maximum"]
        labels = {"minimum": _("Minimum (numbers)"), "maximum": _("Maximum (numbers)"),
                  "unit": _("Unit (numbers)"),
                  "max_length": _("Character limit (short and long text)")}

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])
        self.fields["rows_text"].initial = "\n".join(self.instance.rows or [])
        self.fields["allow_other"].help_text = _("Single and multiple choice questions only.")
        self.fields["max_length"].help_text = _(
            "Empty: up to %(short)s characters for short text, %(long)s for long text.") % {
            "short": SHORT_TEXT, "long": MAX_TEXT}
        self.fields["text"].help_text = _("For display-only text: the text shown between the "
                                          "questions.")
        self.add_condition(candidates)

    def clean(self):
        data = super().clean()
        choices = _lines(data.get("choices_text"))
        rows = _lines(data.get("rows_text"))
        kind = data.get("kind")
        if kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.RANKING) \
                and not choices:
            self.add_error("choices_text", _("This type of question needs choices."))
        if len(choices) > 60:
            self.add_error("choices_text", _("Give at most 60 choices."))
        if kind == Question.Kind.GRID and not rows:
            self.add_error("rows_text", _("A grid needs at least one row."))
        if len(rows) > MAX_ROWS:
            self.add_error("rows_text", _("Give at most %(max)s rows.") % {"max": MAX_ROWS})
        limit = data.get("max_length")
        if limit is not None and kind in TEXT_KINDS:
            ceiling = SHORT_TEXT if kind == Question.Kind.SHORT_TEXT else MAX_TEXT
            if not 1 <= limit <= ceiling:
                self.add_error("max_length", _("Give a limit between 1 and %(max)s characters.")
                               % {"max": ceiling})
        low, high = data.get("minimum"), data.get("maximum")
        if low is not None and high is not None and low > high:
            self.add_error("maximum", _("The maximum must not be below the minimum."))
        self.instance.choices = choices if kind in CHOICE_KINDS else []
        self.instance.rows = rows if kind == Question.Kind.GRID else []
        if kind not in TEXT_KINDS:
            data["max_length"] = None
        if kind == Question.Kind.DISPLAY:
            data["required"] = False
        return data


class CopyForm(forms.Form):
    source = forms.ModelChoiceField(label=_("Survey to copy"), queryset=Survey.objects.none(),
                                    empty_label=None)

    def __init__(self, *args, surveys, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = surveys


class QuestionnaireImportForm(forms.Form):
    file = forms.FileField(label=_("Questionnaire sheet (.xlsx)"), help_text=_(
        "One row per question, as in the template. A sheet with any problem is refused as a "
        "whole."))

    def clean_file(self):
        from django.core.exceptions import ValidationError

        from portal.lib.uploads import XLSX, check_upload

        try:
            return check_upload(self.cleaned_data["file"], allowed=(XLSX,))
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from None
