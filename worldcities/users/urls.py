from django.urls import path

from . import views

app_name = "users"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("eu-login/", views.eu_login, name="eu_login"),
    path("eu-login/callback/", views.eu_login_callback, name="eu_login_callback"),
]
