from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class AdminUserCreationForm(forms.ModelForm):
    """Programme staff create an account without a password: its owner receives an e-mail
    with a link to choose one."""

    class Meta:
        model = User
        fields = ["email", "full_name", "role", "city", "organisation", "language", "time_zone"]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "language", "time_zone"]
        help_texts = {
            "time_zone": _("For example Europe/Brussels or Asia/Seoul. Empty: your city's.")
        }
