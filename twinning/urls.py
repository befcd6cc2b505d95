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
    # The review of a call's applications: reviewers their own, programme staff the rest.
    path("review/", views.review_list, name="review_list"),
    path("review/assignments/<int:pk>/", views.review_assignment, name="review_assignment"),
    path("review/calls/<slug:slug>/<slug:call>/", views.call_review, name="call_review"),
    path(
        "review/calls/<slug:slug>/<slug:call>/applications/<int:pk>/",
        views.application_review,
        name="application_review",
    ),
    path(
        "review/calls/<slug:slug>/<slug:call>/applications/",
        views.call_applications,
        name="call_applications",
    ),
    path("review/calls/<slug:slug>/<slug:call>/export/", views.call_export, name="call_export"),
    path("review/calls/<slug:slug>/<slug:call>/send/", views.decisions_send, name="decisions_send"),
]

CALL = "editions/<slug:slug>/calls/<slug:call>/"
APPLICATION = CALL + "applications/<int:pk>/"

urlpatterns += [
    path(CALL, views.call_detail, name="call_detail"),
    path(CALL + "apply/", views.application_start, name="application_start"),
    path(APPLICATION, views.application_detail, name="application_detail"),
    path(APPLICATION + "autosave/", views.application_autosave, name="application_autosave"),
    path(APPLICATION + "partners/", views.application_partner_add, name="application_partner_add"),
    path(
        APPLICATION + "partners/<int:partner>/remove/",
        views.application_partner_remove,
        name="application_partner_remove",
    ),
    path(
        APPLICATION + "documents/<int:document>/",
        views.application_document,
        name="application_document",
    ),
    path(APPLICATION + "submit/", views.application_submit, name="application_submit"),
    path(APPLICATION + "withdraw/", views.application_withdraw, name="application_withdraw"),
    path(APPLICATION + "receipt.pdf", views.application_receipt, name="application_receipt"),
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
