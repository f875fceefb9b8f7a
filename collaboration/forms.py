from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, Organisation

from .models import Initiative

YEAR_RANGE = {"min_value": 1990, "max_value": 2100}


class InitiativeForm(forms.ModelForm):
    start_year = forms.IntegerField(label=_("First fiscal year"), required=False,
                                    help_text=_("Western year in which the fiscal year starts, "
                                                "e.g. 2026 for 令和8年度."), **YEAR_RANGE)
    end_year = forms.IntegerField(label=_("Last fiscal year"), required=False, **YEAR_RANGE)
    spread_from = forms.ModelChoiceField(
        label=_("Spread from (ID of the model initiative)"), required=False,
        queryset=Initiative.objects.none(), widget=forms.NumberInput,
        help_text=_("The number in the address of the initiative this one was adopted from."))

    class Meta:
        model = Initiative
        fields = ["title", "summary", "body", "category", "methods", "policy_fields",
                  "lead_organisation", "municipalities", "other_bodies", "scope",
                  "outside_prefecture", "status", "start_year", "end_year", "funding",
                  "outcomes", "indicators", "contact", "is_model", "spread_from"]
        widgets = {
            "methods": forms.CheckboxSelectMultiple,
            "policy_fields": forms.CheckboxSelectMultiple,
            "municipalities": forms.CheckboxSelectMultiple,
            "other_bodies": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 8}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
            "indicators": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, visible, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["spread_from"].queryset = visible
        self.fields["municipalities"].queryset = Municipality.objects.all()
        self.fields["other_bodies"].queryset = Organisation.objects.exclude(
            kind=Organisation.Kind.MUNICIPALITY)
        self.fields["methods"].required = True

    def clean(self):
        data = super().clean()
        start, end = data.get("start_year"), data.get("end_year")
        if start and end and end < start:
            self.add_error("end_year", _("The last fiscal year cannot come before the first."))
        scope = data.get("scope")
        municipalities = data.get("municipalities") or []
        if scope == Initiative.Scope.OUTSIDE and not data.get("outside_prefecture"):
            self.add_error("outside_prefecture",
                           _("Name the prefecture of a case from outside Yamagata."))
        if scope and scope != Initiative.Scope.OUTSIDE and not municipalities:
            self.add_error("municipalities", _("Choose the municipalities taking part."))
        mine = self.user.scope_municipality
        if mine is not None and self.instance.pk and mine not in municipalities:
            raise ValidationError(_("%(name)s cannot be removed from the municipalities taking "
                                    "part: you would lose access to the initiative.")
                                  % {"name": mine.name})
        if self.instance.pk and data.get("spread_from") == self.instance:
            self.add_error("spread_from", _("An initiative cannot spread from itself."))
        return data

    def split(self) -> tuple[dict, dict]:
        """(plain values, many-to-many relations) for the services."""
        relations = {name: self.cleaned_data[name] for name in
                     ("methods", "policy_fields", "municipalities", "other_bodies")}
        values = {name: value for name, value in self.cleaned_data.items()
                  if name not in relations}
        return values, relations


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    title = forms.CharField(label=_("Title"), max_length=200, required=False)


class SynonymGroupForm(forms.Form):
    """A group of the synonym dictionary: its words, one per line (or separated by 、)."""

    words = forms.CharField(
        label=_("Words that mean the same"), max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One word per line, or separated by 、 or commas; at least two. Full- and "
                    "half-width forms and upper and lower case count as the same word."))

    def __init__(self, *args, group=None, **kwargs):
        self.group = group
        if group is not None and group.pk and "initial" not in kwargs:
            kwargs["initial"] = {"words": "\n".join(group.words)}
        super().__init__(*args, **kwargs)

    def clean_words(self):
        from .models import SynonymGroup
        from .search import MAX_TERM_LENGTH, normalize
        from .synonyms import MAX_WORDS, split_words

        words = split_words(self.cleaned_data["words"])
        if len(words) < 2:
            raise ValidationError(_("Give at least two words: a group says that they mean "
                                    "the same."))
        if len(words) > MAX_WORDS:
            raise ValidationError(_("A group has at most %(count)d words.")
                                  % {"count": MAX_WORDS})
        too_long = [word for word in words if len(normalize(word)) > MAX_TERM_LENGTH]
        if too_long:
            raise ValidationError(_("“%(word)s” is longer than %(count)d characters.")
                                  % {"word": too_long[0], "count": MAX_TERM_LENGTH})
        others = SynonymGroup.objects.all()
        if self.group is not None and self.group.pk:
            others = others.exclude(pk=self.group.pk)
        taken = {normalize(word): group for group in others for word in group.words}
        for word in words:
            if normalize(word) in taken:
                raise ValidationError(
                    _("“%(word)s” is already in the group “%(group)s”: a word belongs to one "
                      "group. Add the words to that group instead.")
                    % {"word": word, "group": taken[normalize(word)]})
        return words


class InitiativeAttachmentForm(AttachmentForm):
    is_public = forms.BooleanField(
        label=_("Show on the public site"), required=False,
        help_text=_("Only files marked so are offered to visitors who are not logged in."))
