from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SPOKEN_LANGUAGES, User


class AdminUserCreationForm(forms.ModelForm):
    """Programme staff create an account without a password: its owner receives an e-mail
    with a link to choose one."""

    class Meta:
        model = User
        fields = ["email", "full_name", "role", "city", "organisation", "language", "time_zone"]


class ProfileForm(forms.ModelForm):
    """A person's own profile: their name, language and time zone, and what the directory of
    people shows of them (whether they are in it, their e-mail address or not, the languages
    they speak, the thematic areas they follow)."""

    spoken_languages = forms.MultipleChoiceField(
        label=_("Languages I speak"),
        choices=SPOKEN_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
    )

    class Meta:
        model = User
        fields = [
            "full_name",
            "language",
            "time_zone",
            "in_directory",
            "show_email",
            "spoken_languages",
            "interests",
        ]
        help_texts = {
            "time_zone": _("For example Europe/Brussels or Asia/Seoul. Empty: your city's.")
        }
        widgets = {"interests": forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"})}


class ApiTokenForm(forms.Form):
    """A new personal token: a name and how long it lasts."""

    LIFETIMES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("One year")),
        ("", _("Until I revoke it")),
    ]

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “city dashboard”."),
    )
    lifetime = forms.ChoiceField(
        label=_("Valid for"), choices=LIFETIMES, initial="90", required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.user.api_tokens.filter(revoked_at__isnull=True, name=name).exists():
            raise forms.ValidationError(_("You already have a token of that name."))
        return name

    def clean_lifetime(self):
        value = self.cleaned_data.get("lifetime") or ""
        return int(value) if value else None


class ApiTokenRevokeForm(forms.Form):
    token = forms.ModelChoiceField(
        queryset=None,
        error_messages={"invalid_choice": _("This token does not exist or was already revoked.")},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["token"].queryset = user.api_tokens.filter(revoked_at__isnull=True)
