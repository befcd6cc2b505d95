from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<uuid:pk>/", views.report_detail, name="detail"),
    path("<uuid:pk>/download/", views.report_download, name="download"),
]
