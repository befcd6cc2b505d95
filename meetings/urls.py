from django.urls import path, register_converter

from . import feeds, views


class FeedTokenConverter:
    """A calendar token as ``secrets.token_urlsafe`` writes it: anything else is no address."""

    regex = "[A-Za-z0-9_-]{1,64}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FeedTokenConverter, "feedtoken")

app_name = "meetings"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("calendar/", views.meeting_month, name="month"),
    path("calendar/<int:year>/<int:month>/", views.meeting_month, name="month"),
    path("new/", views.meeting_create, name="create"),
    path("feed/", views.feed_settings, name="feed"),
    path("feed/<feedtoken:token>.ics", views.feed_ics, name="feed_ics"),
    path("calendar.ics", views.public_feed_ics, name="programme_ics"),
    path("upcoming.atom", feeds.UpcomingMeetingsFeed(), name="upcoming_feed"),
    path("editions/<slug:slug>/calendar.ics", views.public_feed_ics, name="edition_ics"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/calendar.ics", views.meeting_ics, name="ics"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/translations/", views.meeting_translations, name="translations"),
    path(
        "<int:pk>/translations/draft/",
        views.meeting_translation_draft,
        name="translation_draft",
    ),
    path(
        "<int:pk>/translations/<str:language>/",
        views.meeting_translation_edit,
        name="translation_edit",
    ),
    path(
        "<int:pk>/translations/<str:language>/check/",
        views.meeting_translation_check,
        name="translation_check",
    ),
    path("<int:pk>/status/", views.meeting_status, name="status"),
    path("<int:pk>/quotas/", views.quotas_edit, name="quotas"),
    path("<int:pk>/agenda/new/", views.agenda_item_create, name="agenda_create"),
    path("<int:pk>/agenda/<int:item_pk>/edit/", views.agenda_item_edit, name="agenda_edit"),
    path("<int:pk>/agenda/<int:item_pk>/delete/", views.agenda_item_delete, name="agenda_delete"),
    path("<int:pk>/agenda/<int:item_pk>/signup/", views.agenda_signup, name="agenda_signup"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/registrations/", views.registrations, name="registrations"),
    path("<int:pk>/invite/", views.invite, name="invite"),
    path(
        "<int:pk>/registrations/<int:registration_pk>/cancel/",
        views.registration_cancel,
        name="registration_cancel",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/confirm/",
        views.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "<int:pk>/registrations/<int:registration_pk>/travel/",
        views.registration_logistics,
        name="registration_logistics",
    ),
    path("<int:pk>/minutes/", views.minutes_edit, name="minutes"),
    path("<int:pk>/attendance/", views.attendance_edit, name="attendance"),
    path("<int:pk>/outcomes/new/", views.outcome_create, name="outcome_create"),
    path("<int:pk>/evaluation/", views.evaluation, name="evaluation"),
    path("<int:pk>/evaluation/summary/", views.evaluation_summary, name="evaluation_summary"),
]
