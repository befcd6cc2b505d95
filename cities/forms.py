"""Forms of the directory of people and of the triple-helix opportunities. They check the
shape of what is typed; who may do what is the services' to decide."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CONTACT_BODY_MAX, Opportunity, OpportunityResponse, ThematicArea


class ContactForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Message"),
        max_length=CONTACT_BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Sent through the platform: the recipient does not see your address."),
    )
    share_email = forms.BooleanField(
        label=_("Share my e-mail address with them, so that they can reply directly"),
        required=False,
    )


class OpportunityForm(forms.ModelForm):
    """A new offer or need, for one of the organisations the poster may speak for."""

    areas = forms.ModelMultipleChoiceField(
        label=_("Thematic areas"),
        queryset=ThematicArea.objects.order_by("order", "name"),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checkbox-columns"}),
        error_messages={"required": _("Choose at least one thematic area.")},
    )

    class Meta:
        model = Opportunity
        fields = [
            "organisation",
            "direction",
            "kind",
            "title",
            "description",
            "areas",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].label_from_instance = lambda o: f"{o.name} ({o.city.name})"
        self.fields["organisation"].error_messages["invalid_choice"] = _(
            "You may post opportunities only for the organisations of your own city."
        )
        if not self.is_bound:
            self.initial.setdefault("valid_from", timezone.localdate())

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("An opportunity cannot end before it starts."))
        return data

    def _post_clean(self):
        # The service builds and checks the row (with its poster and city); here only the
        # fields' own checks run.
        pass


class OpportunityAnswerForm(forms.ModelForm):
    class Meta:
        model = OpportunityResponse
        fields = ["message"]
        labels = {"message": _("Your answer")}
        help_texts = {
            "message": _("Who you are, what you bring, how to reach you. The poster is told.")
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 5})}

    def _post_clean(self):
        pass
