"""Forms of the account pages; the choices offered are what the grant table allows."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from . import grants
from .models import Organisation, User
from .services.accounts import next_april_first


def _organisation_order(organisation: Organisation):
    kinds = list(Organisation.Kind.values)
    region = organisation.region.sort_order if organisation.region_id else 0
    code = organisation.municipality.lg_code if organisation.municipality_id else ""
    return kinds.index(organisation.kind), region, code, organisation.name


class _AccountFields(forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=150,
                           help_text=_("Family and given name with a space, e.g. 山形 太郎. "
                                       "Shown to everyone working with this person."))
    email = forms.EmailField(label=_("E-mail address"), max_length=150)
    role = forms.ChoiceField(label=_("Role"))
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)
    is_superuser = forms.BooleanField(
        label=_("Access to the administration site (system administrator)"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—")] + [
            (role, User.Role(role).label) for role in grants.grantable_roles(actor)]
        self._organisations = {str(o.pk): o for o in sorted(grants.organisations(actor),
                                                            key=_organisation_order)}
        groups: dict[str, list] = {}
        for key, organisation in self._organisations.items():
            groups.setdefault(organisation.get_kind_display(), []).append(
                (key, str(organisation)))
        self.fields["organisation"].choices = [("", "—"), *groups.items()]
        if not grants.grant_of(actor).admin_access:
            del self.fields["is_superuser"]

    def clean_organisation(self) -> Organisation | None:
        value = self.cleaned_data.get("organisation")
        return self._organisations.get(value) if value else None

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError(_("Enter the person's name."))
        return name


class InviteForm(_AccountFields):
    pass


class AccountForm(_AccountFields):
    def __init__(self, *args, account, **kwargs):
        initial = {"name": account.display_name if (account.last_name or account.first_name)
                   else "", "email": account.email, "role": account.role,
                   "organisation": str(account.organisation_id or ""),
                   "is_superuser": account.is_superuser}
        super().__init__(*args, initial=initial, **kwargs)


class HandOverForm(forms.Form):
    name = forms.CharField(label=_("Successor's name"), max_length=150,
                           help_text=_("Family and given name with a space, e.g. 山形 太郎."))
    email = forms.EmailField(label=_("Successor's e-mail address"), max_length=150)
    on = forms.DateField(label=_("Last day is over on (deactivated from)"),
                         widget=forms.DateInput(attrs={"type": "date"}),
                         help_text=_("The predecessor can log in until the day before; from "
                                     "this day on only the successor can."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["on"].initial = next_april_first()


class AccountImportForm(forms.Form):
    file = forms.FileField(
        label=_("List of accounts (.xlsx or .csv)"),
        help_text=_("Columns: 氏名, メールアドレス, 役割, 団体コード・組織. CSV in UTF-8 (with or "
                    "without BOM) or Shift_JIS. A file with any problem is refused as a whole."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.ACCOUNT_IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(max)s MB.")
                % {"max": settings.ACCOUNT_IMPORT_MAX_BYTES // (1024 * 1024)})
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Only .csv and .xlsx files can be imported."))
        return upload
