from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cities.models import City
from worldcities.currencies import CURRENCY_MESSAGE, currency_choices
from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload
from worldcities.users.models import User

from .models import (
    NOTE_REQUIRED,
    OUTCOME_QUANTITY_MESSAGE,
    PROGRESS_MESSAGE,
    Action,
    Outcome,
    status_progress_check,
)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class ActionForm(forms.ModelForm):
    """An action of a pairing's plan, as its edition's coordinators edit it. Its status and
    progress move only through a progress update (``ActionProgressForm``), which keeps the
    story of what was done; a new action starts planned, at 0 %."""

    class Meta:
        model = Action
        fields = [
            "title",
            "description",
            "owner_organisation",
            "owner_person",
            "due_date",
        ]
        widgets = {
            "due_date": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pairing = pairing
        member_cities = pairing.member_city_ids()
        # An owner is a person of a member city or one of the edition's coordinators.
        self.fields["owner_person"].queryset = User.objects.filter(
            Q(city__in=member_cities) | Q(coordinated_editions=pairing.edition_id),
            is_active=True,
        ).distinct()
        self.fields["owner_organisation"].queryset = self.fields[
            "owner_organisation"
        ].queryset.order_by("name")
        self.fields["due_date"].help_text = _("On or after %(start)s, when the edition starts.") % {
            "start": pairing.edition.start_date.isoformat()
        }


class ActionProgressForm(forms.Form):
    """Status, progress and what was done: what a delegate of a member city may change. The
    form checks what it can on its own (a note, a percentage from 0 to 100, a status and
    percentage that go together); the service checks again."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=Action.Status.choices,
        help_text=_(
            "Planned: 0 %. In progress: 1 to 99 %. Done: 100 %. "
            "Dropped: the percentage reached when it stopped."
        ),
    )
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        error_messages={
            "min_value": PROGRESS_MESSAGE,
            "max_value": PROGRESS_MESSAGE,
            "invalid": PROGRESS_MESSAGE,
        },
        widget=forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
    )
    note = forms.CharField(
        label=_("What was done"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": 2000}),
        error_messages={"required": NOTE_REQUIRED},
        help_text=_(
            "What changed since the last update: a meeting held, a step finished, a "
            "decision taken. Everyone who reads the pairing sees it in the action plan."
        ),
    )

    def __init__(self, *args, action: Action, **kwargs):
        kwargs.setdefault("initial", {"status": action.status, "progress": action.progress})
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        if "status" in data and "progress" in data:
            try:
                status_progress_check(data["status"], data["progress"])
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data


def _accept(extensions) -> str:
    return ",".join(f".{extension}" for extension in extensions)


class OutcomeForm(forms.ModelForm):
    """An outcome of a pairing, as a delegate of one of its cities or a coordinator records
    it. The form checks what it can (the model's rules, the evidence file as practice
    attachments are checked); the service checks again."""

    currency = forms.ChoiceField(
        label=_("Currency"),
        required=False,
        choices=[("", "—"), *currency_choices()],
        error_messages={"invalid_choice": CURRENCY_MESSAGE},
        help_text=_("ISO 4217 code. Amounts are kept in their currency and never converted."),
    )
    evidence_file = forms.FileField(
        label=_("Evidence (file)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": _accept(ATTACHMENT_EXTENSIONS)}),
        help_text=_("A PDF, an image or an office document of at most 10 MB."),
    )

    class Meta:
        model = Outcome
        fields = [
            "kind",
            "title",
            "city",
            "action",
            "quantity",
            "amount",
            "currency",
            "funder",
            "achieved_on",
            "source",
            "evidence_url",
            "description",
        ]
        widgets = {
            "achieved_on": DateInput(),
            "description": forms.Textarea(attrs={"rows": 4}),
            "amount": forms.NumberInput(attrs={"min": 0, "step": "0.01"}),
            "quantity": forms.NumberInput(attrs={"min": 1, "step": 1}),
        }
        help_texts = {
            "evidence_url": _("A page or a document online that shows it. A link or a file."),
        }

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.pairing = pairing
        self.fields["city"].queryset = City.objects.filter(
            pk__in=pairing.member_city_ids()
        ).order_by("name")
        self.fields["city"].empty_label = None
        self.fields["action"].queryset = Action.objects.filter(pairing=pairing).order_by(
            "due_date", "id"
        )
        self.fields["quantity"].error_messages["min_value"] = OUTCOME_QUANTITY_MESSAGE

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload:
            validate_upload(upload, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE)
            # The model's rule (a link or a file) reads it from the instance.
            self.instance.evidence_file = upload
        return upload

    def service_fields(self) -> dict:
        """What ``services.outcome_record`` takes of the cleaned data."""
        data = dict(self.cleaned_data)
        data.pop("evidence_file", None)
        return data
