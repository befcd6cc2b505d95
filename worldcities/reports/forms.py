from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from twinning.models import Edition, Pairing

from .models import Report


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Report"), choices=Report.Kind.choices)
    edition = forms.ModelChoiceField(label=_("Edition"), queryset=Edition.objects.none())
    pairing = forms.ModelChoiceField(
        label=_("Pairing"),
        queryset=Pairing.objects.none(),
        required=False,
        help_text=_("Needed for a pairing one-pager."),
    )
    meeting = forms.ModelChoiceField(
        label=_("Meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_("Needed for a meeting report."),
    )
    format = forms.ChoiceField(label=_("Format"), choices=Report.Format.choices)

    def __init__(self, *args, editions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["edition"].queryset = editions
        self.fields["pairing"].queryset = Pairing.objects.filter(
            edition__in=editions
        ).select_related("eu_lead", "partner_lead")
        self.fields["meeting"].queryset = Meeting.objects.filter(edition__in=editions).order_by(
            "-starts_at"
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == Report.Kind.PAIRING:
            pairing = data.get("pairing")
            if pairing is None:
                self.add_error("pairing", _("Choose the pairing the one-pager is about."))
            elif data.get("edition") and pairing.edition_id != data["edition"].pk:
                self.add_error("pairing", _("This pairing belongs to another edition."))
        if data.get("kind") == Report.Kind.MEETING:
            meeting = data.get("meeting")
            if meeting is None:
                self.add_error("meeting", _("Choose the meeting the report is about."))
            elif data.get("edition") and meeting.edition_id != data["edition"].pk:
                self.add_error("meeting", _("This meeting belongs to another edition."))
        return data

    @property
    def target(self):
        data = self.cleaned_data
        return {
            Report.Kind.PAIRING: data.get("pairing"),
            Report.Kind.MEETING: data.get("meeting"),
        }.get(data["kind"], data["edition"])
