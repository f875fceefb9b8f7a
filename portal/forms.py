from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
