from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload
from worldcities.users.models import User

from .models import NOTE_REQUIRED, PROGRESS_MESSAGE, Action, status_progress_check


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


# --- Workspaces and the community ----------------------------------------------------------------
MARKDOWN_HELP = _(
    "Markdown: **bold**, *italic*, lists, [links](https://…). Mention someone with @ and "
    "their name, e.g. @Kim Minji: they are told."
)


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 6, "data-mention-target": ""}),
        help_text=MARKDOWN_HELP,
    )

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise ValidationError(_("Write a message."))
        return body


class ThreadForm(MessageForm):
    title = forms.CharField(label=_("Subject"), max_length=200)
    field_order = ["title", "body"]


class _UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "PDF, image or office document (%(extensions)s), at most %(limit)s MB. The file's "
            "content is checked."
        )
        % {"extensions": ", ".join(ATTACHMENT_EXTENSIONS), "limit": MAX_ATTACHMENT_SIZE >> 20},
        widget=forms.ClearableFileInput(
            attrs={"accept": ",".join(f".{e}" for e in ATTACHMENT_EXTENSIONS)}
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        validate_upload(upload, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE)
        return upload


class DocumentForm(_UploadForm):
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=500, required=False)
    field_order = ["title", "description", "file"]


class DocumentVersionForm(_UploadForm):
    note = forms.CharField(
        label=_("What changed"),
        max_length=500,
        required=False,
        help_text=_("Told to the workspace's members with the new version."),
    )
