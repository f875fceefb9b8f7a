from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.admin import PortalInline, PortalModelAdmin
from portal.models import Municipality

from .building import check_question_change
from .models import Question, ReminderDelivery, Section, Survey
from .services import question_has_answers, survey_copy


class SectionInline(PortalInline):
    model = Section


@admin.register(Survey)
class SurveyAdmin(PortalModelAdmin):
    list_display = ["title", "fiscal_year", "opens_at", "deadline"]
    filter_horizontal = ["municipalities"]
    inlines = [SectionInline]
    actions = ["copy_for_next_year"]

    def get_changeform_initial_data(self, request):
        # Every municipality is asked unless staff narrow it down.
        return {"municipalities": list(Municipality.objects.values_list("pk", flat=True))}

    @admin.action(description=gettext_lazy("Copy for the next fiscal year"))
    def copy_for_next_year(self, request, queryset):
        for survey in queryset:
            copy = survey_copy(actor=request.user, survey=survey)
            messages.success(request, _("Created %(title)s.") % {"title": copy.title})


class QuestionForm(forms.ModelForm):
    choices_text = forms.CharField(label=gettext_lazy("Choices (one per line)"), required=False,
                                   widget=forms.Textarea(attrs={"rows": 6}))

    class Meta:
        model = Question
        exclude = ["choices"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["choices_text"].initial = "\n".join(self.instance.choices or [])

    def clean(self):
        data = super().clean()
        choices = [line.strip() for line in (data.get("choices_text") or "").splitlines()
                   if line.strip()]
        if data.get("kind") in (Question.Kind.SINGLE, Question.Kind.MULTIPLE,
                                Question.Kind.RANKING) and not choices:
            self.add_error("choices_text", _("This type of question needs choices."))
        # The same rules as the portal's questions page once answers exist.
        check_question_change(self.instance, kind=data.get("kind"), choices=choices)
        self.instance.choices = choices
        return data


@admin.register(Question)
class QuestionAdmin(PortalModelAdmin):
    form = QuestionForm
    list_display = ["text", "kind", "section", "required", "order"]
    list_filter = ["section__survey", "kind"]
    list_select_related = ["section__survey"]

    def has_delete_permission(self, request, obj=None):
        # Deleting an answered question would orphan the answers; wording fixes are fine.
        if obj is not None and question_has_answers(obj):
            return False
        return super().has_delete_permission(request, obj)


@admin.register(ReminderDelivery)
class ReminderDeliveryAdmin(PortalModelAdmin):
    list_display = ["survey", "municipality", "step", "claimed_at", "sent_at", "superseded"]
    list_filter = ["survey", "step"]

    def has_change_permission(self, request, obj=None):
        return False
