from django.urls import path

from . import views

app_name = "machine_translation"

urlpatterns = [
    path("etranslation/answer/", views.etranslation_answer, name="etranslation_answer"),
    path("etranslation/error/", views.etranslation_error, name="etranslation_error"),
]
