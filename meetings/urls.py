from django.urls import path

from . import views

urlpatterns = [
    path("councils/", views.body_list, name="body_list"),
    path("councils/<int:pk>/", views.body_detail, name="body_detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/<slug:what>/", views.meeting_act, name="meeting_act"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
