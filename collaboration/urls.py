from django.urls import path

from .views import catalogue, framework, initiatives, synonyms

urlpatterns = [
    path("initiatives/", catalogue.initiative_list, name="initiative_list"),
    path("initiatives/export.csv", catalogue.initiative_export_csv, name="initiative_export_csv"),
    path("initiatives/export-participants.csv", catalogue.initiative_export_participants_csv,
         name="initiative_export_participants_csv"),
    path("initiatives/export.xlsx", catalogue.initiative_export_xlsx,
         name="initiative_export_xlsx"),
    path("initiatives/matrix/", catalogue.initiative_matrix, name="initiative_matrix"),
    path("initiatives/framework/", framework.framework, name="framework"),
    path("initiatives/framework/<slug:kind>/new/", framework.framework_add,
         name="framework_add"),
    path("initiatives/framework/<slug:kind>/<int:pk>/", framework.framework_edit,
         name="framework_edit"),
    path("initiatives/synonyms/", synonyms.synonym_list, name="synonym_list"),
    path("initiatives/synonyms/new/", synonyms.synonym_add, name="synonym_add"),
    path("initiatives/synonyms/<int:pk>/", synonyms.synonym_edit, name="synonym_edit"),
    path("initiatives/synonyms/<int:pk>/delete/", synonyms.synonym_delete,
         name="synonym_delete"),
    path("initiatives/new/", initiatives.initiative_create_view, name="initiative_create"),
    path("initiatives/<int:pk>/", initiatives.initiative_detail, name="initiative_detail"),
    path("initiatives/<int:pk>/edit/", initiatives.initiative_edit, name="initiative_edit"),
    path("initiatives/<int:pk>/publish/", initiatives.initiative_publish_view,
         name="initiative_publish"),
    path("initiatives/<int:pk>/files/", initiatives.initiative_attach, name="initiative_attach"),
    path("initiatives/<int:pk>/files/<int:attachment_pk>/delete/",
         initiatives.initiative_detach, name="initiative_detach"),
    path("initiatives/<int:pk>/spread/", initiatives.initiative_spread,
         name="initiative_spread"),
]
