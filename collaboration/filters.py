"""The catalogue's filters: every state is a query string people can paste into an e-mail."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import Municipality, Region

from .models import Category, Initiative, Method, PolicyField
from .search import matching
from .synonyms import dictionary

SORTS = {
    "-updated": ("-updated_at", "-id"),
    "title": ("title", "id"),
    "-start": ("-start_year", "-id"),
    "start": ("start_year", "id"),
}
PAGE_SIZES = (20, 50, 100)
INSIDE, OUTSIDE = "in", "out"
NO_FUNDING = "none"


def _every(model):
    # A function, not a query: each request deep-copies the filters, and a query deep-copied
    # is a few hundred objects.
    return lambda request: model.objects.all()


class InitiativeFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search words"), method="filter_q", max_length=200)
    category = django_filters.ModelChoiceFilter(
        label=_("Category"), queryset=_every(Category), to_field_name="code")
    method = django_filters.ModelChoiceFilter(
        label=_("Collaboration method"), field_name="method_set", queryset=_every(Method),
        method="filter_in_set")
    field = django_filters.ModelChoiceFilter(
        label=_("Policy field"), field_name="field_set", queryset=_every(PolicyField),
        method="filter_in_set")
    region = django_filters.ModelChoiceFilter(
        label=_("Region"), queryset=_every(Region), to_field_name="code",
        method="filter_region")
    municipality = django_filters.ModelChoiceFilter(
        label=_("Municipality"), field_name="municipalities",
        queryset=_every(Municipality), to_field_name="lg_code")
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Initiative.Status.choices)
    year = django_filters.NumberFilter(label=_("First fiscal year"), field_name="start_year",
                                       min_value=1900, max_value=2100, decimal_places=0)
    funding = django_filters.ChoiceFilter(
        label=_("Funding"), method="filter_funding",
        choices=[(NO_FUNDING, _("none")), *[(value, label) for value, label
                                            in Initiative.Funding.choices if value]])
    location = django_filters.ChoiceFilter(
        label=_("Inside or outside Yamagata"), method="filter_location",
        choices=[(INSIDE, _("inside Yamagata")), (OUTSIDE, _("outside Yamagata"))])
    published = django_filters.ChoiceFilter(
        label=_("Publication"), field_name="is_published",
        choices=[("yes", _("published")), ("no", _("unpublished"))], method="filter_published")
    model = django_filters.BooleanFilter(label=_("Model projects only"), method="filter_model",
                                         widget=forms.CheckboxInput)

    class Meta:
        model = Initiative
        fields: list[str] = []

    def get_form_class(self):
        # Its fields depend on nothing of the request (their querysets are every row, read
        # by each form's own copy), so the class is built once, not on every catalogue page.
        built = type(self).__dict__.get("_built_form")
        if built is None:
            built = super().get_form_class()
            type(self)._built_form = built
        return built

    def filter_q(self, queryset, name, value):
        return queryset.filter(matching(value, dictionary(), public=self.public_search)) \
            if value else queryset

    @property
    def public_search(self) -> bool:
        # An anonymous visitor does not find an initiative by its contact person.
        return self.request is None or not self.request.user.is_authenticated

    def filter_region(self, queryset, name, value):
        # A municipality of the region takes part (kept on the row, see services.link_sets).
        return queryset.filter(region_set__contains=f",{value.pk},")

    def filter_in_set(self, queryset, name, value):
        # It has the method or field (its id set kept on the row, see services.link_sets).
        return queryset.filter(**{f"{name}__contains": f",{value.pk},"})

    def filter_funding(self, queryset, name, value):
        return queryset.filter(funding="" if value == NO_FUNDING else value)

    def filter_published(self, queryset, name, value):
        return queryset.filter(is_published=value == "yes")

    def filter_model(self, queryset, name, value):
        # An unticked box means "all", not "only those that are not model projects".
        return queryset.filter(is_model=True) if value else queryset

    def filter_location(self, queryset, name, value):
        outside = Q(scope=Initiative.Scope.OUTSIDE)
        return queryset.filter(outside if value == OUTSIDE else ~outside)


class ListingForm(forms.Form):
    """Sort order and page of the catalogue; anything else is a clear 400."""

    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=[
        ("-updated", _("recently updated")), ("title", _("title")),
        ("-start", _("newest first year")), ("start", _("oldest first year"))])
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1, max_value=100_000)
    per_page = forms.TypedChoiceField(label=_("Per page"), required=False, coerce=int,
                                      choices=[(size, size) for size in PAGE_SIZES])

    def ordering(self) -> tuple[str, ...]:
        return SORTS[self.cleaned_data.get("sort") or "-updated"]
