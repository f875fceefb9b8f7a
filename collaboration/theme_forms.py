from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lib.permissions import can
from portal.models import Region

from .models import PolicyField, Theme
from .policies import KEEP_THEMES


class ThemeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    policy_fields = forms.ModelMultipleChoiceField(
        label=_("Policy fields"), required=False, queryset=PolicyField.objects.all(),
        widget=forms.CheckboxSelectMultiple)
    region = forms.ModelChoiceField(
        label=_("Region"), required=False, queryset=Region.objects.all(),
        empty_label=_("Whole prefecture"))

    def __init__(self, *args, user, theme: Theme | None = None, **kwargs):
        if theme is not None:
            kwargs.setdefault("initial", {
                "title": theme.title, "description": theme.description,
                "policy_fields": list(theme.policy_fields.all()), "region": theme.region})
        super().__init__(*args, **kwargs)
        if not can(user, KEEP_THEMES, Theme):
            # A liaison room proposes for its own region only.
            del self.fields["region"]


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Theme.Status.choices)
    changed_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}),
                                 help_text=_("The day it was decided, e.g. the meeting's date."))
    note = forms.CharField(label=_("Note"), max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("What was decided, or why the status changes."))

    def __init__(self, *args, theme: Theme, **kwargs):
        kwargs.setdefault("initial", {"changed_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(value, label) for value, label in Theme.Status.choices
                                         if value != theme.status]
