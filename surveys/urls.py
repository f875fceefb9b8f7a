from django.urls import path

from . import building_views, views

urlpatterns = [
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", building_views.survey_create, name="survey_create"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
    path("surveys/<int:pk>/edit/", building_views.survey_edit, name="survey_edit"),
    path("surveys/<int:pk>/questions/", building_views.survey_questions,
         name="survey_questions"),
    path("surveys/<int:pk>/sections/<int:section_pk>/", building_views.survey_section_edit,
         name="survey_section_edit"),
    path("surveys/<int:pk>/sections/<int:section_pk>/delete/",
         building_views.survey_section_delete, name="survey_section_delete"),
    path("surveys/<int:pk>/sections/<int:section_pk>/questions/new/",
         building_views.survey_question_add, name="survey_question_add"),
    path("surveys/<int:pk>/questions/<int:question_pk>/", building_views.survey_question_edit,
         name="survey_question_edit"),
    path("surveys/<int:pk>/questions/<int:question_pk>/delete/",
         building_views.survey_question_delete, name="survey_question_delete"),
    path("surveys/<int:pk>/move/", building_views.survey_move, name="survey_move"),
    path("surveys/<int:pk>/send/", building_views.survey_send, name="survey_send"),
    path("surveys/<int:pk>/answer/", views.survey_answer, name="survey_answer"),
    path("surveys/<int:pk>/status/", views.survey_status, name="survey_status"),
    path("surveys/<int:pk>/remind/", views.survey_remind, name="survey_remind"),
    path("surveys/<int:pk>/results/", views.survey_results, name="survey_results"),
    path("surveys/<int:pk>/themes/", views.survey_theme, name="survey_theme"),
    path("surveys/<int:pk>/export.csv", views.survey_export_csv, name="survey_export_csv"),
    path("surveys/<int:pk>/export.xlsx", views.survey_export_xlsx, name="survey_export_xlsx"),
    path("surveys/<int:pk>/responses/<lg_code:lg_code>/", views.survey_response,
         name="survey_response"),
]
