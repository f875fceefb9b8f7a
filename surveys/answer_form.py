"""The form a municipality fills in, built from the survey's questions.

Drafts keep the raw values exactly as typed (nothing that reached the server is lost); the
form validates them when the answer is submitted, reporting every problem at once.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from collaboration.models import Method, PolicyField

from .models import Question

OTHER = "__other__"
RANKS = 3
MAX_TEXT = 4000
SHORT_TEXT = 200
MAX_ITEMS = 60
MAX_ROWS = 30


def text_limit(question: Question) -> int:
    """The most characters a text answer may have: the planner's limit, else the type's."""
    ceiling = SHORT_TEXT if question.kind == Question.Kind.SHORT_TEXT else MAX_TEXT
    return min(question.max_length or ceiling, ceiling)


def grid_names(question: Question) -> list[str]:
    return [f"q{question.pk}_g{row}" for row in range(1, len(question.rows or []) + 1)]


def upload_name(question: Question) -> str:
    """The file input of a file question; the answer key holds the stored file's id."""
    return f"q{question.pk}_file"


def removal_name(question: Question) -> str:
    """The box a file question's answerer ticks to remove the stored file."""
    return f"q{question.pk}_remove"


def field_names(question: Question) -> list[str]:
    """The answer keys one question uses (a display-only text has none)."""
    name = f"q{question.pk}"
    if question.kind == Question.Kind.DISPLAY:
        return []
    if question.kind == Question.Kind.GRID:
        return grid_names(question)
    if question.kind == Question.Kind.RANKING:
        return [f"{name}_r{rank}" for rank in range(1, RANKS + 1)]
    if question.allow_other and question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return [name, f"{name}_other"]
    return [name]


def form_field_names(question: Question) -> list[str]:
    """The form fields shown for one question: its answer keys and, for a file, the input."""
    if question.kind == Question.Kind.FILE:
        return [*field_names(question), upload_name(question)]
    return field_names(question)


def grid_scale(question: Question) -> list[tuple[str, str]]:
    """The columns of a grid: its choice set, or the 1–5 scale."""
    if question.choices:
        return [(str(c), str(c)) for c in question.choices]
    return [(str(n), str(n)) for n in range(1, 6)]


def plain_limit(value):
    """A range's end as people write it: 50, not 50.00 (the column keeps two decimals)."""
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else value.normalize()


def _choice_list(question: Question) -> list[tuple[str, str]]:
    if question.kind == Question.Kind.FIELDS:
        return [(f.name, f.name) for f in PolicyField.objects.all()]
    if question.kind == Question.Kind.METHODS:
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
    elif kind in (Question.Kind.SHORT_TEXT, Question.Kind.LONG_TEXT):
        limit = text_limit(question)
        attrs = {"data-limit": limit, "data-counter-text": _("%(count)s of %(limit)s characters")
                 % {"count": "{count}", "limit": limit}}
        widget = forms.Textarea(attrs={"rows": 5, **attrs}) \
            if kind == Question.Kind.LONG_TEXT else forms.TextInput(attrs=attrs)
        if question.max_length:
            common["help_text"] = " ".join(map(str, filter(None, [question.help_text, _(
                "Up to %(limit)s characters.") % {"limit": limit}])))
        fields = {name: forms.CharField(max_length=limit, widget=widget, **common)}
    elif kind == Question.Kind.DATE:
        fields = {name: forms.DateField(widget=forms.DateInput(
            attrs={"type": "date"}, format="%Y-%m-%d"), input_formats=["%Y-%m-%d", "%Y/%m/%d"],
            **common)}
    elif kind == Question.Kind.FILE:
        fields = {name: forms.CharField(required=False, widget=forms.HiddenInput),
                  upload_name(question): forms.FileField(
                      required=False, label=question.text,
                      help_text=" ".join(map(str, filter(None, [question.help_text, _(
                          "PDF, Excel, Word, PowerPoint or an image (PNG, JPEG). The file is "
                          "stored when you save the draft or submit.")]))))}
        fields[upload_name(question)].widget.attrs["data-required"] = \
            "1" if question.required else ""
    elif kind == Question.Kind.GRID:
        fields = {row_name: forms.ChoiceField(
            choices=grid_scale(question), widget=forms.RadioSelect,
            label=str(row), required=question.required)
            for row_name, row in zip(grid_names(question), question.rows, strict=True)}
    elif kind == Question.Kind.DISPLAY:
        fields = {}
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
    """``shown``: the questions the answers show (see conditions.py); a hidden question is
    never required. None: all of them, as in the preview."""

    def __init__(self, questions, *args, shown: set[int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.shown = shown
        for question in self.questions:
            fields = _fields_for(question)
            if shown is not None and question.pk not in shown:
                for field in fields.values():
                    field.required = False
            self.fields.update(fields)

    def clean(self):
        data = super().clean()
        for question in self.questions:
            name = f"q{question.pk}"
            if question.kind == Question.Kind.FILE and question.required and not data.get(
                    name) and (self.shown is None or question.pk in self.shown):
                self.add_error(upload_name(question), forms.Field.default_error_messages[
                    "required"])
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
            # One character per line break, as the browser counts it against the limit.
            values = [value.replace("\r\n", "\n")[:MAX_TEXT].replace("\x00", "")
                      for value in post.getlist(name)]
            if question.kind == Question.Kind.FILE:
                # Ticking 「削除する」 sends the question without its stored file.
                values = [] if post.get(removal_name(question)) else [
                    value for value in values if value.isdigit() and len(value) < 12]
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
