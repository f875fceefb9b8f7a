from django.urls import path

from . import views

urlpatterns = [
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/<int:pk>/", views.survey_detail, name="survey_detail"),
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
