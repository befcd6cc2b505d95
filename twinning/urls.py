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
]

# A pairing's workspace and the community spaces (members only: ``twinning.permissions``).
workspace = "pairings/<slug:slug>/workspace/"
urlpatterns += [
    path(workspace, views.workspace, name="workspace"),
    path(f"{workspace}threads/new/", views.thread_create, name="thread_create"),
    path(f"{workspace}threads/<int:thread_pk>/", views.thread_detail, name="thread_detail"),
    path(f"{workspace}documents/", views.documents, name="documents"),
    path(
        f"{workspace}documents/<int:document_pk>/",
        views.document_detail,
        name="document_detail",
    ),
    path(
        f"{workspace}documents/<int:document_pk>/versions/<int:number>/",
        views.document_download,
        name="document_download",
    ),
    path(f"{workspace}timeline/", views.timeline, name="timeline"),
    path("community/", views.community, name="community"),
    path("community/<slug:area>/", views.community_area, name="community_area"),
    path(
        "community/<slug:area>/new/", views.community_thread_create, name="community_thread_create"
    ),
    path(
        "community/<slug:area>/threads/<int:thread_pk>/",
        views.community_thread,
        name="community_thread",
    ),
]
