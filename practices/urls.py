from django.urls import path

from . import feeds, views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="list"),
    path("feed.atom", feeds.PublishedPracticesFeed(), name="feed"),
    path("areas/<slug:slug>/feed.atom", feeds.AreaPracticesFeed(), name="area_feed"),
    path("cities/<slug:slug>/feed.atom", feeds.CityPracticesFeed(), name="city_feed"),
    path("new/", views.practice_create, name="create"),
    path("mine/", views.workspace, name="workspace"),
    path("preview/", views.markdown_preview, name="preview"),
    path("areas/<slug:slug>/follow/", views.area_follow, name="area_follow"),
    path(
        "applications/<int:application>/practices/",
        views.application_practices,
        name="application_practices",
    ),
    path("<slug:slug>/", views.practice_detail, name="detail"),
    path("<slug:slug>/edit/", views.practice_edit, name="edit"),
    path("<slug:slug>/submit/", views.practice_submit, name="submit"),
    path("<slug:slug>/review/", views.practice_review, name="review"),
    path("<slug:slug>/archive/", views.practice_archive, name="archive"),
    path("<slug:slug>/transfer/", views.practice_transfer, name="transfer"),
    path("<slug:slug>/comments/", views.practice_comment, name="comment"),
    path("<slug:slug>/follow/", views.practice_follow, name="follow"),
    path("<slug:slug>/cover/", views.cover_image, name="cover"),
    path("<slug:slug>/attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("<slug:slug>/translations/", views.practice_translations, name="translations"),
    path(
        "<slug:slug>/translations/draft/",
        views.practice_translation_draft,
        name="translation_draft",
    ),
    path(
        "<slug:slug>/translations/<str:language>/",
        views.practice_translation_edit,
        name="translation_edit",
    ),
    path(
        "<slug:slug>/translations/<str:language>/check/",
        views.practice_translation_check,
        name="translation_check",
    ),
    path("<slug:slug>/versions/<int:number>/", views.version_detail, name="version"),
]
