from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from .models import Indicator


class StatisticsImportForm(forms.Form):
    file = forms.FileField(
        label=_("Statistics file (.csv or .xlsx)"),
        help_text=_("Columns: lg_code, year, indicator, value, source, as_of (Japanese "
                    "headings such as 団体コード・年・指標・値・出典・時点 also work). "
                    "A file with any problem is refused as a whole."),
    )
    is_demo = forms.BooleanField(label=_("These are demo values, not official statistics"),
                                 required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.STATISTICS_UPLOAD_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB.")
                % {"max": settings.STATISTICS_UPLOAD_MAX_BYTES // (1024 * 1024)})
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        return upload


class MapColourForm(forms.Form):
    """What the tiles on the municipality map are coloured by."""

    REGION = "region"

    colour = forms.ChoiceField(label=_("Colour the map by"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["colour"].choices = [(self.REGION, _("Region")), *Indicator.choices]

    def chosen(self) -> str:
        return (self.cleaned_data.get("colour") if self.is_bound and self.is_valid() else "") \
            or self.REGION


class _BoundedUsername:
    """Django only sets the HTML maxlength of the user name; refuse longer input server-side
    too, before it reaches authentication and the failed-login records."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["username"]
        field.validators.append(MaxLengthValidator(field.max_length or 150))


class LoginForm(_BoundedUsername, AuthenticationForm):
    pass


class AdminLoginForm(_BoundedUsername, AdminAuthenticationForm):
    pass
