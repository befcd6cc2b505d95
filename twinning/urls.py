from django.urls import path

from . import views

app_name = "twinning"

urlpatterns = [
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("map/", views.pairing_map_view, name="map"),
    path("pairings/<slug:slug>/", views.pairing_detail, name="pairing_detail"),
    path("pairings/<slug:slug>/memorandum/", views.pairing_memorandum, name="pairing_memorandum"),
    path("pairings/<slug:slug>/actions/new/", views.action_create, name="action_create"),
    path("pairings/<slug:slug>/actions/<int:pk>/edit/", views.action_update, name="action_update"),
    path(
        "pairings/<slug:slug>/actions/<int:pk>/delete/", views.action_delete, name="action_delete"
    ),
    path(
        "pairings/<slug:slug>/actions/<int:pk>/progress/",
        views.action_progress,
        name="action_progress",
    ),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
    path("editions/<slug:slug>/matchmaking/", views.matchmaking, name="matchmaking"),
    path(
        "editions/<slug:slug>/matchmaking/decide/",
        views.matchmaking_decide,
        name="matchmaking_decide",
    ),
    path(
        "editions/<slug:slug>/matchmaking/accept/",
        views.matchmaking_accept,
        name="matchmaking_accept",
    ),
    path(
        "editions/<slug:slug>/matchmaking/assignment/",
        views.matchmaking_assignment,
        name="matchmaking_assignment",
    ),
]
