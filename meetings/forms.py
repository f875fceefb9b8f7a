from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Meeting

LOCAL = {"type": "datetime-local"}


class MeetingForm(forms.ModelForm):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=forms.DateTimeInput(
        attrs=LOCAL, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M"])
    ends_at = forms.DateTimeField(label=_("Ends"), widget=forms.DateTimeInput(
        attrs=LOCAL, format="%Y-%m-%dT%H:%M"), input_formats=["%Y-%m-%dT%H:%M"])
    online_url = forms.URLField(label=_("online meeting link"), required=False,
                                assume_scheme="https", max_length=200)
    agenda = forms.CharField(label=_("Agenda (one item per line)"), required=False,
                             widget=forms.Textarea(attrs={"rows": 5}), max_length=5000)

    class Meta:
        model = Meeting
        fields = ["title", "starts_at", "ends_at", "venue", "online_url"]

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("The meeting must end after it starts."))
        if not (data.get("venue") or data.get("online_url")):
            self.add_error("venue", _("Give a venue or an online meeting link."))
        return data

    def agenda_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("agenda", "").splitlines()
                if line.strip()][:50]

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class MinutesForm(forms.Form):
    text = forms.CharField(label=_("Minutes"), required=False, max_length=50_000,
                           widget=forms.Textarea(attrs={"rows": 10}))


class CommentForm(forms.Form):
    text = forms.CharField(label=_("Comment on the minutes"), max_length=4000,
                           widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        # Its own ids: the minutes form beside it has a text field too.
        kwargs.setdefault("auto_id", "comment_%s")
        super().__init__(*args, **kwargs)


class ActionItemForm(forms.Form):
    title = forms.CharField(label=_("Decision or action"), max_length=300)
    is_decision = forms.BooleanField(label=_("This is a decision"), required=False)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=None, required=False)
    due_on = forms.DateField(label=_("Due"), required=False,
                             widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, members, **kwargs):
        # Its own ids: the meeting page also shows the attachment form, which has a title too.
        kwargs.setdefault("auto_id", "action_%s")
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = members.select_related("organisation")
        # People by name and organisation, not by their user names.
        self.fields["owner"].label_from_instance = lambda user: user.name_and_organisation

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due and due.year > timezone.localdate().year + 10:
            raise forms.ValidationError(_("Give a due date within ten years."))
        return due
