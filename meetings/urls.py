from django.urls import path

from . import body_views, edit_views, views

urlpatterns = [
    path("councils/", views.body_list, name="body_list"),
    path("councils/<int:pk>/", views.body_detail, name="body_detail"),
    path("councils/<int:pk>/rotation/", body_views.body_rotation, name="body_rotation"),
    path("councils/<int:pk>/members/add/", body_views.membership_add, name="membership_add"),
    path("councils/<int:pk>/members/<int:seat_pk>/end/", body_views.membership_end,
         name="membership_end"),
    path("councils/<int:pk>/members/<int:seat_pk>/replace/", body_views.membership_replace,
         name="membership_replace"),
    path("councils/<int:pk>/teams/new/", body_views.team_create, name="team_create"),
    path("councils/<int:pk>/close/", body_views.team_close, name="team_close"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/edit/", edit_views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/agenda/add/", edit_views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/agenda/link/", edit_views.agenda_link, name="agenda_link"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/move/", edit_views.agenda_move,
         name="agenda_move"),
    path("meetings/<int:pk>/agenda/<int:item_pk>/remove/", edit_views.agenda_remove,
         name="agenda_remove"),
    path("meetings/<int:pk>/<slug:what>/", views.meeting_act, name="meeting_act"),
    path("calendar/", views.calendar_settings, name="calendar_settings"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
