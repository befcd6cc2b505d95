from django.urls import path

from . import views

app_name = "twinning"

urlpatterns = [
    path("pairings/", views.pairing_list, name="pairing_list"),
    path("pairings/<slug:slug>/", views.pairing_detail, name="pairing_detail"),
    path("editions/<slug:slug>/", views.edition_detail, name="edition_detail"),
]
