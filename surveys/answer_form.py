"""The form a municipality fills in, built from the survey's questions.

Drafts keep the raw values exactly as typed (nothing that reached the server is lost); the
form validates them when the answer is submitted, reporting every problem at once.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question

OTHER = "__other__"
RANKS = 3
MAX_TEXT = 4000
MAX_ITEMS = 60


def field_names(question: Question) -> list[str]:
    """The form fields (and answer keys) one question uses."""
    name = f"q{question.pk}"
    if question.kind == Question.Kind.RANKING:
        return [f"{name}_r{rank}" for rank in range(1, RANKS + 1)]
    if question.allow_other and question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return [name, f"{name}_other"]
    return [name]


def plain_limit(value):
    """A range's end as people write it: 50, not 50.00 (the column keeps two decimals)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _choice_list(question: Question) -> list[tuple[str, str]]:
    if question.kind == Question.Kind.FIELDS:
        from collaboration.models import PolicyField

        return [(f.name, f.name) for f in PolicyField.objects.all()]
    if question.kind == Question.Kind.METHODS:
        from collaboration.models import Method

        return [(m.name, m.name) for m in Method.objects.all()]
    choices = [(str(c), str(c)) for c in question.choices]
    if question.allow_other:
        choices.append((OTHER, _("Other (その他)")))
    return choices


def choice_values(question: Question) -> list[str]:
    """The standard values a choice or ranking question offers, in their order."""
    return [value for value, _label in _choice_list(question)]


def _fields_for(question: Question) -> dict[str, forms.Field]:
    name = f"q{question.pk}"
    common = {"label": question.text, "help_text": question.help_text,
              "required": question.required}
    kind = question.kind
    if kind == Question.Kind.SINGLE:
        fields = {name: forms.ChoiceField(choices=_choice_list(question),
                                          widget=forms.RadioSelect, **common)}
    elif kind in (Question.Kind.MULTIPLE, Question.Kind.FIELDS, Question.Kind.METHODS):
        fields = {name: forms.MultipleChoiceField(choices=_choice_list(question),
                                                  widget=forms.CheckboxSelectMultiple, **common)}
    elif kind == Question.Kind.SHORT_TEXT:
        fields = {name: forms.CharField(max_length=200, **common)}
    elif kind == Question.Kind.LONG_TEXT:
        fields = {name: forms.CharField(max_length=MAX_TEXT, widget=forms.Textarea(
            attrs={"rows": 5}), **common)}
    elif kind == Question.Kind.NUMBER:
        label = f"{question.text}（{question.unit}）" if question.unit else question.text
        fields = {name: forms.DecimalField(min_value=plain_limit(question.minimum),
                                           max_value=plain_limit(question.maximum), max_digits=14,
                                           decimal_places=2, **{**common, "label": label})}
    elif kind == Question.Kind.SCALE:
        fields = {name: forms.TypedChoiceField(
            choices=[(str(n), str(n)) for n in range(1, 6)], coerce=int,
            widget=forms.RadioSelect, **common)}
    else:  # ranking: the first, second and third choice
        choices = [("", "—"), *_choice_list(question)]
        fields = {f"{name}_r{rank}": forms.ChoiceField(
            choices=choices, label=_("%(question)s — choice %(rank)s")
            % {"question": question.text, "rank": rank},
            required=question.required and rank == 1) for rank in range(1, RANKS + 1)}
    if question.allow_other and kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        fields[f"{name}_other"] = forms.CharField(
            label=_("“Other” in your words"), required=False, max_length=500)
    return fields


class AnswerForm(forms.Form):
    def __init__(self, questions, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        for question in self.questions:
            self.fields.update(_fields_for(question))

    def clean(self):
        data = super().clean()
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.RANKING:
                picked = [data.get(f"{name}_r{rank}") for rank in range(1, RANKS + 1)]
                picked = [value for value in picked if value]
                if len(picked) != len(set(picked)):
                    self.add_error(f"{name}_r1", _("Choose each item only once."))
            chosen = data.get(name)
            if question.allow_other and chosen and (chosen == OTHER or OTHER in chosen) \
                    and not data.get(f"{name}_other"):
                self.add_error(f"{name}_other", _("Write what “Other” means."))
        return data


def raw_answers(questions, post) -> dict:
    """The submitted values of the survey's fields, as typed, bounded in size."""
    answers = {}
    for question in questions:
        for name in field_names(question):
            values = [value[:MAX_TEXT].replace("\x00", "") for value in post.getlist(name)]
            if question.kind in (Question.Kind.MULTIPLE, Question.Kind.FIELDS,
                                 Question.Kind.METHODS) and name == f"q{question.pk}":
                answers[name] = values[:MAX_ITEMS]
            elif values:
                answers[name] = values[-1]
    return answers


def as_form_data(questions, answers: dict):
    """A stored draft as form data, so the form shows it and validates it."""
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    for key, value in answers.items():
        if isinstance(value, list):
            data.setlist(key, [str(item) for item in value])
        elif value is not None:
            data[key] = str(value)
    return data
