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
    path("pairings/<slug:slug>/outcomes/", views.outcome_list, name="outcome_list"),
    path("pairings/<slug:slug>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path(
        "pairings/<slug:slug>/outcomes/<int:pk>/check/",
        views.outcome_check,
        name="outcome_check",
    ),
    path(
        "pairings/<slug:slug>/outcomes/<int:pk>/evidence/",
        views.outcome_evidence,
        name="outcome_evidence",
    ),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
]
