from django.urls import path, re_path

from . import views

app_name = "opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("fields/", views.fields, name="fields"),
    path("catalog.jsonld", views.catalog, name="catalog"),
    re_path(r"^(?P<resource>[a-z-]+)\.(?P<fmt>csv|json)$", views.download, name="download"),
]
