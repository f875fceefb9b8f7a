import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.lib.japanese import fiscal_year, fiscal_year_bounds
from portal.models import User

from .models import Meeting
from .people import person_label

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
        self.fields["owner"].label_from_instance = person_label

    def clean_due_on(self):
        due = self.cleaned_data.get("due_on")
        if due and due.year > timezone.localdate().year + 10:
            raise forms.ValidationError(_("Give a due date within ten years."))
        return due


def next_rotation_day(today: datetime.date | None = None) -> datetime.date:
    """The coming 1 April, when the 年度 turns and seats change hands."""
    today = today or timezone.localdate()
    return fiscal_year_bounds(fiscal_year(today) + 1)[0]


def people():
    """Portal accounts from any organisation, in the order of a member list."""
    return User.objects.filter(is_active=True).select_related("organisation").order_by(
        "organisation__kind", "organisation__municipality__lg_code", "organisation__name",
        "last_name", "first_name", "username")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


class PeopleField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return person_label(obj)


DATE = {"type": "date"}


class SeatForm(forms.Form):
    user = PersonField(label=_("Member"), queryset=User.objects.none(), required=False,
                       empty_label=_("— someone without a portal account (below) —"))
    person_name = forms.CharField(label=_("Name of someone without a portal account"),
                                  max_length=100, required=False)
    organisation_name = forms.CharField(label=_("Their organisation"), max_length=100,
                                        required=False, help_text=_("e.g. 県看護協会"))
    email = forms.EmailField(label=_("Their e-mail address"), required=False,
                             help_text=_("Meeting notices go to this address."))
    title = forms.CharField(label=_("Position"), max_length=100,
                            help_text=_("e.g. 企画担当課長, 企画振興部次長, 連携支援室長"))
    role = forms.ChoiceField(label=_("Role on the body"), required=False, choices=[
        ("", _("member")), ("chair", _("chair")), ("vice_chair", _("vice-chair"))])
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=DATE))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "seat")  # the page also holds a form per seat
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people()

    def clean(self):
        data = super().clean()
        if not data.get("user") and not data.get("person_name", "").strip():
            self.add_error("user", _("Choose a portal account or give the person's name."))
        return data

    def values(self) -> dict:
        data = self.cleaned_data
        holder = {"user": data["user"]} if data["user"] else {
            "person_name": data["person_name"], "organisation_name": data["organisation_name"],
            "email": data["email"]}
        return {**holder, "title": data["title"], "starts_on": data["starts_on"],
                "is_chair": data["role"] == "chair", "is_vice_chair": data["role"] == "vice_chair"}


class EndSeatForm(forms.Form):
    on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs=DATE))


class ReplaceForm(forms.Form):
    """The hand-over of one seat; the rotation page shows one per seat, each with its prefix."""

    successor = PersonField(label=_("Successor"), queryset=User.objects.none())
    title = forms.CharField(label=_("Successor's position"), max_length=100, required=False,
                            help_text=_("Leave empty to keep the position."))
    on = forms.DateField(label=_("Hand-over day"), widget=forms.DateInput(attrs=DATE),
                         help_text=_("The seat ends the day before."))

    def __init__(self, *args, seat=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["successor"].queryset = people()
        if seat is not None:
            # One form per seat on the rotation page: the page's note explains the fields once.
            for field in self.fields.values():
                field.help_text = ""
            name = seat.name
            self.fields["successor"].label = _("Successor of %(name)s") % {"name": name}
            self.fields["title"].label = _("Position of the successor of %(name)s") % {
                "name": name}
            self.fields["on"].label = _("Hand-over day for %(name)s") % {"name": name}


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name of the team"), max_length=200)
    theme = forms.ModelChoiceField(label=_("Theme"), queryset=None, required=False)
    purpose = forms.CharField(label=_("Purpose"), max_length=5000, required=False,
                              widget=forms.Textarea(attrs={"rows": 4}))
    starts_on = forms.DateField(label=_("Term from"), widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("Term until"), required=False,
                              widget=forms.DateInput(attrs=DATE))
    members = PeopleField(label=_("Members"), queryset=User.objects.none(), required=False,
                          widget=forms.SelectMultiple(attrs={"size": 10}),
                          help_text=_("From any organisation; more can be added later."))
    member_title = forms.CharField(label=_("Members' position"), max_length=100,
                                   initial="担当者")

    def __init__(self, *args, **kwargs):
        from collaboration.models import Theme

        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = Theme.objects.order_by("title")
        self.fields["members"].queryset = people()

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", _("The term must end after it starts."))
        return data


class MeetingEditForm(MeetingForm):
    send_update = forms.BooleanField(
        label=_("Send the update to the members"), required=False, initial=True,
        help_text=_("The notice has been sent; a changed time or place goes to the members "
                    "once, as an update of the same calendar entry."))

    class Meta(MeetingForm.Meta):
        pass

    def __init__(self, *args, announced: bool, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["agenda"]
        if not announced:
            del self.fields["send_update"]


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("New agenda item"), max_length=300)
    link = forms.ChoiceField(label=_("Link to"), required=False)

    def __init__(self, *args, links=(), **kwargs):
        kwargs.setdefault("auto_id", "agenda_%s")
        super().__init__(*args, **kwargs)
        self.fields["link"].choices = [("", _("no link")), *links]
