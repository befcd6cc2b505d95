import functools
import html

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.forms import BaseInlineFormSet, inlineformset_factory
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from cities.models import Organisation, Topic, name_key
from cities.selectors import organisations_named
from twinning.models import Action, Pairing
from twinning.selectors import pairing_ids_of_city

from .models import (
    Attachment,
    Comment,
    KeyFigure,
    PendingUpload,
    Practice,
    PracticeLink,
    PracticePartner,
    PracticeTranslation,
    Transfer,
)
from .uploads import (
    ATTACHMENT_EXTENSIONS,
    COVER_EXTENSIONS,
    MAX_ATTACHMENT_SIZE,
    MAX_COVER_SIZE,
    validate_upload,
)


def areas_with_topics(areas, topics) -> list:
    """The thematic areas ticked, with those of the topics ticked, each once, in order."""
    chosen = {area.pk: area for area in areas}
    for topic in topics:
        chosen.setdefault(topic.area_id, topic.area)
    return sorted(chosen.values(), key=lambda area: (area.order, area.name))


def _accept(extensions) -> str:
    return ",".join(f".{ext}" for ext in extensions)


class KeptUploadMixin:
    """A form whose file field (``kept_field``) survives a submit that failed for another
    reason. The view keeps a new file that passed its checks
    (``practices.services.pending_upload_keep``) and calls ``keep``: the form re-rendered
    names it as already chosen, with a "Remove" box, and sends its id back in a hidden field
    (``pending_name``); the next submit uses it unless another file is chosen or "Remove" is
    ticked. Only the owner's own kept files are used. ``content_type_attr`` is where the
    instance holds the file's checked content type."""

    kept_field = "file"
    pending_name = "pending"
    remove_name = "remove_pending"
    content_type_attr = "content_type"

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.pending_upload = None  # the kept file this form uses, once cleaned or kept
        self.fields[self.kept_field].required = False  # a kept file stands in for a new one
        if self.is_bound and self._raw(self.pending_name):
            self._add_remove_box()

    def _raw(self, name):
        return self.data.get(self.add_prefix(name))

    def _add_remove_box(self, pending=None):
        if self.remove_name not in self.fields:
            self.fields[self.remove_name] = forms.BooleanField(label=_("Remove"), required=False)
        if pending is not None:
            name = {"name": pending.original_name}
            self.fields[self.remove_name].label = _("Remove %(name)s") % name
            self.fields[self.remove_name].help_text = (
                _(
                    "Already chosen: %(name)s. It is used when you save, unless you choose "
                    "another file or tick “Remove”."
                )
                % name
            )

    def new_upload(self):
        """The file newly chosen on this form, if it passed the checks, else None."""
        upload = getattr(self, "cleaned_data", {}).get(self.kept_field)
        return upload if isinstance(upload, UploadedFile) else None

    def use_kept(self, pending) -> None:
        """Takes ``pending`` as the file of this submit."""
        self.pending_upload = pending
        self._add_remove_box(pending)
        setattr(self.instance, self.content_type_attr, pending.content_type)
        self.cleaned_data[self.kept_field] = File(
            pending.file.open("rb"), name=pending.original_name
        )

    def clean(self):
        data = super().clean()
        if self.kept_field in self.errors or isinstance(data.get(self.kept_field), UploadedFile):
            return data  # a new file replaces any kept one
        pk = data.get(self.pending_name)
        if not pk or data.get(self.remove_name) or self.owner is None:
            return data
        pending = PendingUpload.objects.filter(owner=self.owner, pk=pk).first()
        if pending is None:
            self.add_error(
                self.kept_field,
                _("The file chosen before is no longer kept: please choose it again."),
            )
        else:
            self.use_kept(pending)
        return data

    def keep(self, pending) -> None:
        """Names ``pending`` on the form re-rendered after a failed submit, and sends its id
        back with the next submit (the form's data is the view's own mutable copy)."""
        self.data[self.add_prefix(self.pending_name)] = str(pending.pk)
        self.data.pop(self.add_prefix(self.remove_name), None)
        self.pending_upload = pending
        self._add_remove_box(pending)


class PracticeForm(KeptUploadMixin, forms.ModelForm):
    kept_field = "cover_image"
    pending_name = "cover_pending"
    remove_name = "cover_remove_pending"
    content_type_attr = "cover_content_type"

    cover_pending = forms.IntegerField(required=False, widget=forms.HiddenInput)

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
        pairings = Pairing.objects.filter(pk__in=pairing_ids_of_city(city_id))
        self.fields["pairing"].queryset = pairings.select_related("eu_lead", "partner_lead")
        self.fields["actions"].queryset = Action.objects.filter(pairing__in=pairings)
        self.fields["topics"].queryset = Topic.objects.select_related("area")
        self.fields["title"].label = _("Practice title")
        # A topic brings its thematic area: tick an area alone only when no topic fits.
        self.fields["thematic_areas"].required = False
        self.fields["thematic_areas"].help_text = _(
            "Ticking a topic adds its thematic area when you save: tick an area here only "
            "when none of its topics fits."
        )
        self.fields["topics"].help_text = _("Each topic's thematic area is added for you.")
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
        if "thematic_areas" in data and "topics" in data:
            data["thematic_areas"] = areas_with_topics(data["thematic_areas"], data["topics"])
            if not data["thematic_areas"]:
                self.add_error("thematic_areas", _("Tick at least one topic or thematic area."))
        pairing = data.get("pairing")
        wrong = [a for a in data.get("actions") or [] if not pairing or a.pairing_id != pairing.pk]
        if wrong:
            self.add_error("actions", _("Choose actions of the practice's pairing only."))
        return data


class KeyFigureForm(forms.ModelForm):
    class Meta:
        model = KeyFigure
        fields = ["label", "value", "unit", "year"]


class KnownChoiceField(forms.ModelChoiceField):
    """A choice among rows the formset read once for all its rows (``known``, by primary
    key), instead of one query per row; a value not among them is refused as any unknown
    choice is."""

    def __init__(self, *args, known, **kwargs):
        super().__init__(*args, **kwargs)
        self.known = known

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return self.known[int(str(value))]
        except (KeyError, ValueError):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            ) from None


# The suggestions of a partner row's organisation field: one list on the page for every row
# (``PartnersFormSet.organisation_list``).
ORGANISATION_LIST_ID = "partner-organisations"


class OrganisationNameField(forms.Field):
    """An organisation given by its name (names are unique), typed or picked among the
    suggestions of the page's list, whatever its case and spacing; where two names differ
    only so, the one written exactly as typed. ``find`` maps name keys (``name_key``) to the
    organisations that have them (the formset reads every row's in one query); without it,
    the name is looked up here."""

    default_error_messages = {
        "invalid_choice": _(
            "“%(value)s” is not an organisation of the platform: choose one from the list."
        ),
        "ambiguous": _(
            "Several organisations are called “%(value)s”, written with other capitals or "
            "spaces: type the name exactly as the list shows it."
        ),
    }

    def __init__(self, *, find=None, **kwargs):
        super().__init__(**kwargs)
        self.find = find or organisations_named

    def prepare_value(self, value):
        return value.name if isinstance(value, Organisation) else value

    def to_python(self, value):
        typed = " ".join(str(value or "").split())
        if not typed:
            return None
        found = self.find([name_key(typed)]).get(name_key(typed), [])
        exact = [organisation for organisation in found if organisation.name == typed]
        if len(exact) == 1 or len(found) == 1:
            return (exact or found)[0]
        code = "ambiguous" if found else "invalid_choice"
        raise ValidationError(self.error_messages[code], code=code, params={"value": typed})


class PartnerForm(forms.ModelForm):
    class Meta:
        model = PracticePartner
        fields = ["organisation", "role"]
        labels = {"organisation": _("Partner organisation"), "role": _("Partner's role")}

    def __init__(self, *args, find=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        self.fields["organisation"] = OrganisationNameField(
            find=find,
            label=field.label,
            required=field.required,
            help_text=_("Type a few letters of its name and pick it from the list."),
            widget=forms.TextInput(attrs={"list": ORGANISATION_LIST_ID, "autocomplete": "off"}),
        )
        if self.instance.organisation_id:
            # Read with the row (``PartnersFormSet``): shown by its name.
            self.initial["organisation"] = self.instance.organisation


class AttachmentForm(KeptUploadMixin, forms.ModelForm):
    """An attachment row; its file survives a failed submit (``KeptUploadMixin``)."""

    pending = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Attachment
        fields = ["title", "file"]
        labels = {"title": _("Attachment title")}
        widgets = {"file": forms.FileInput(attrs={"accept": _accept(ATTACHMENT_EXTENSIONS)})}
        help_texts = {"file": _("PDF, image or office document, up to 10 MB.")}

    def _removing_only(self) -> bool:
        """Only "Remove" ticked on a row that holds nothing else: a blank row again."""
        return (
            bool(self._raw(self.remove_name))
            and not (self._raw("title") or "").strip()
            and not self.files.get(self.add_prefix("file"))
        )

    def has_changed(self):
        return not self._removing_only() and super().has_changed()

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            self.instance.content_type = validate_upload(
                upload, allowed=ATTACHMENT_EXTENSIONS, max_size=MAX_ATTACHMENT_SIZE
            )
            self.instance.original_name = upload.name[-255:]
            self.instance.size = upload.size
        return upload

    def use_kept(self, pending) -> None:
        super().use_kept(pending)
        self.instance.original_name = pending.original_name
        self.instance.size = pending.size

    def clean(self):
        data = super().clean()
        if not self.pending_upload and not data.get("file") and "file" not in self.errors:
            self.add_error("file", self.fields["file"].error_messages["required"])
        return data


class LinkForm(forms.ModelForm):
    url = forms.URLField(label=_("Web address"), max_length=200, assume_scheme="https")

    class Meta:
        model = PracticeLink
        fields = ["title", "url"]
        labels = {"title": _("Link title")}


class RowsFormSet(BaseInlineFormSet):
    """An inline formset whose submitted rows are found among the practice's rows read once
    (``get_queryset``), not with one query per row."""

    @functools.cached_property
    def rows_by_pk(self) -> dict:
        return {row.pk: row for row in self.get_queryset()}

    def add_fields(self, form, index):
        super().add_fields(form, index)
        name = self.model._meta.pk.name
        field = form.fields[name]
        form.fields[name] = KnownChoiceField(
            field.queryset,
            known=self.rows_by_pk,
            initial=field.initial,
            required=False,
            widget=field.widget,
        )


class PartnersFormSet(RowsFormSet):
    """The partners: the rows are read with their organisations, the organisations named on
    a submit in one query for every row, and the names the rows suggest are written once on
    the page (``organisation_list``), not once per row."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", PracticePartner.objects.select_related("organisation"))
        super().__init__(*args, **kwargs)

    @functools.cached_property
    def organisations_named(self) -> dict[str, list]:
        names = (f"{self.prefix}-{i}-organisation" for i in range(self.total_form_count()))
        return organisations_named(name_key(self.data.get(name)) for name in names)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.is_bound and index is not None:
            kwargs["find"] = lambda keys: self.organisations_named
        return kwargs

    def organisation_list(self) -> str:
        """The ``<datalist>`` of every organisation's name (``Organisation`` is ordered by
        name), in one query, written in one pass."""
        names = Organisation.objects.values_list("name", flat=True)
        # Every name is escaped.
        options = "".join(f'<option value="{html.escape(name)}">' for name in names)
        return mark_safe(f'<datalist id="{ORGANISATION_LIST_ID}">{options}</datalist>')


def _formset(model, form, extra=1, max_num=20, formset=RowsFormSet):
    # A blank extra row has nothing to delete: only saved rows get the "Delete" box.
    return inlineformset_factory(
        Practice,
        model,
        form=form,
        formset=formset,
        extra=extra,
        can_delete=True,
        can_delete_extra=False,
        max_num=max_num,
        validate_max=True,
    )


KeyFigureFormSet = _formset(KeyFigure, KeyFigureForm)
PartnerFormSet = _formset(PracticePartner, PartnerForm, formset=PartnersFormSet)
AttachmentFormSet = _formset(Attachment, AttachmentForm, max_num=10)
LinkFormSet = _formset(PracticeLink, LinkForm)

FORMSETS = [
    ("key_figures", KeyFigureFormSet, _("Key figures")),
    ("partners", PartnerFormSet, _("Partners (triple helix)")),
    ("attachments", AttachmentFormSet, _("Attachments")),
    ("links", LinkFormSet, _("Links")),
]


class ReviewForm(forms.Form):
    same_for_every_reader = True  # blank, its fields are rendered once ({% form_fields %})

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
    same_for_every_reader = True  # blank, its fields are rendered once ({% form_fields %})

    class Meta:
        model = Transfer
        fields = ["status", "story"]
        widgets = {"story": forms.Textarea(attrs={"rows": 4})}
        labels = {"status": _("Where does your city stand?")}


class CommentForm(forms.ModelForm):
    same_for_every_reader = True  # blank, its fields are rendered once ({% form_fields %})

    class Meta:
        model = Comment
        fields = ["kind", "body"]
        widgets = {"body": forms.Textarea(attrs={"rows": 4})}


class TranslationForm(forms.ModelForm):
    """A translation's title, summary and text; its language only when it is new (a
    translation keeps its language: another language is another translation)."""

    class Meta:
        model = PracticeTranslation
        fields = ["language", "title", "summary", "body"]
        labels = {
            "language": _("Translated into"),
            "title": _("Practice title"),
            "summary": _("Summary"),
            "body": _("Description"),
        }
        error_messages = {
            "language": {
                "invalid_choice": _(
                    "The platform does not offer “%(value)s”: choose one of the languages listed."
                )
            }
        }
        widgets = {"summary": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, practice, **kwargs):
        super().__init__(*args, **kwargs)
        self.practice = practice
        if self.instance.pk:
            del self.fields["language"]


class TranslationDraftForm(forms.Form):
    """The language a delegate asks machine translation for a draft in."""

    language = forms.ChoiceField(
        label=_("Draft a translation into"),
        choices=settings.LANGUAGES,
        error_messages={
            "invalid_choice": _(
                "The platform does not offer “%(value)s”: choose one of the languages listed."
            )
        },
    )
