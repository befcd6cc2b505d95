from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.db.models import Q
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from cities.models import Organisation, Topic
from twinning.models import Action, Pairing

from .models import (
    Attachment,
    Comment,
    KeyFigure,
    Practice,
    PracticeLink,
    PracticePartner,
    Transfer,
)
from .uploads import (
    ATTACHMENT_EXTENSIONS,
    COVER_EXTENSIONS,
    MAX_ATTACHMENT_SIZE,
    MAX_COVER_SIZE,
    validate_upload,
)


def _accept(extensions) -> str:
    return ",".join(f".{ext}" for ext in extensions)


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "title",
            "summary",
            "body",
            "thematic_areas",
            "topics",
            "pairing",
            "actions",
            "start_date",
            "end_date",
            "ongoing",
            "results",
            "transferability",
            "contact_name",
            "contact_email",
            "language",
            "cover_image",
        ]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3, "maxlength": 600}),
            "body": forms.Textarea(attrs={"rows": 14}),
            "results": forms.Textarea(attrs={"rows": 4}),
            "transferability": forms.Textarea(attrs={"rows": 4}),
            "thematic_areas": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "actions": forms.CheckboxSelectMultiple,
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cover_image": forms.ClearableFileInput(attrs={"accept": _accept(COVER_EXTENSIONS)}),
        }

    def __init__(self, *args, city=None, **kwargs):
        super().__init__(*args, **kwargs)
        city = city or (self.instance.city if self.instance.city_id else None)
        city_id = city.pk if city else None
        pairings = Pairing.objects.filter(
            Q(eu_lead_id=city_id) | Q(partner_lead_id=city_id) | Q(members__city_id=city_id)
        ).distinct()
        self.fields["pairing"].queryset = pairings.select_related("eu_lead", "partner_lead")
        self.fields["actions"].queryset = Action.objects.filter(pairing__in=pairings)
        self.fields["topics"].queryset = Topic.objects.select_related("area")
        self.fields["thematic_areas"].help_text = ""
        self.fields["actions"].help_text = Practice._meta.get_field("actions").help_text

    def clean_cover_image(self):
        upload = self.cleaned_data.get("cover_image")
        if isinstance(upload, UploadedFile):
            self.instance.cover_content_type = validate_upload(
                upload, allowed=COVER_EXTENSIONS, max_size=MAX_COVER_SIZE
            )
        elif not upload:
            self.instance.cover_content_type = ""
        return upload

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end lies before the start."))
        if data.get("ongoing") and end:
            self.add_error("end_date", _("A practice still running has no end date yet."))
        areas = set(data.get("thematic_areas") or [])
        stray = [t for t in data.get("topics") or [] if t.area not in areas]
        if stray:
            self.add_error(
                "topics",
                _("Also tick the thematic area of: %(topics)s.")
                % {"topics": ", ".join(t.name for t in stray)},
            )
        pairing = data.get("pairing")
        wrong = [a for a in data.get("actions") or [] if not pairing or a.pairing_id != pairing.pk]
        if wrong:
            self.add_error("actions", _("Choose actions of the practice's pairing only."))
        return data


class KeyFigureForm(forms.ModelForm):
    class Meta:
        model = KeyFigure
        fields = ["label", "value", "unit", "year"]


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PracticePartner
        fields = ["organisation", "role"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.all()


class AttachmentForm(forms.ModelForm):
    class Meta:
        model = Attachment
        fields = ["title", "file"]
        widgets = {"file": forms.FileInput(attrs={"accept": _accept(ATTACHMENT_EXTENSIONS)})}
        help_texts = {"file": _("PDF, image or office document, up to 10 MB.")}

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            self.instance.content_type = validate_upload(
                upload, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE
            )
            self.instance.original_name = upload.name[-255:]
            self.instance.size = upload.size
        return upload


class LinkForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=200, assume_scheme="https")

    class Meta:
        model = PracticeLink
        fields = ["title", "url"]


def _formset(model, form, extra=1, max_num=20):
    return inlineformset_factory(
        Practice, model, form=form, extra=extra, can_delete=True, max_num=max_num, validate_max=True
    )


KeyFigureFormSet = _formset(KeyFigure, KeyFigureForm)
PartnerFormSet = _formset(PracticePartner, PartnerForm)
AttachmentFormSet = _formset(Attachment, AttachmentForm, max_num=10)
LinkFormSet = _formset(PracticeLink, LinkForm)

FORMSETS = [
    ("key_figures", KeyFigureFormSet, _("Key figures")),
    ("partners", PartnerFormSet, _("Partners (triple helix)")),
    ("attachments", AttachmentFormSet, _("Attachments")),
    ("links", LinkFormSet, _("Links")),
]


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("publish", _("Publish")), ("return", _("Return to the city for changes"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment to the city"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Required when you return the practice."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "return" and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Tell the city what to change."))
        return data


class TransferForm(forms.ModelForm):
    class Meta:
        model = Transfer
        fields = ["status", "story"]
        widgets = {"story": forms.Textarea(attrs={"rows": 4})}
        labels = {"status": _("Where does your city stand?")}


class CommentForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["kind", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}
