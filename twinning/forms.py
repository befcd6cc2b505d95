from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cities.models import City, Opportunity, ThematicArea, Topic
from worldcities.currencies import CURRENCY_MESSAGE, currency_choices
from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload
from worldcities.users.models import User

from .models import (
    NOTE_REQUIRED,
    OUTCOME_QUANTITY_MESSAGE,
    PROGRESS_MESSAGE,
    Action,
    Application,
    ApplicationPartner,
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


# --- Applications to a call -----------------------------------------------------------------------
class ApplicationForm(forms.Form):
    """What a city fills in over several sittings: thematic areas and topics, goals,
    experience, proposed delegation and the answers to the call's questions (one field each,
    ``answer_<question id>``). Every field may stay empty in a draft; completeness is
    measured apart (``twinning.selectors.application_completeness``)."""

    thematic_areas = forms.ModelMultipleChoiceField(
        label=_("Thematic areas"),
        queryset=ThematicArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    topics = forms.ModelMultipleChoiceField(
        label=_("Topics"),
        queryset=Topic.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Topics of the thematic areas you ticked."),
    )
    goals = forms.CharField(
        label=_("Goals"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the city wants to achieve through the exchange."),
    )
    experience = forms.CharField(
        label=_("Experience"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What the city has done in these areas and can share."),
    )
    delegation = forms.CharField(
        label=_("Proposed delegation"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Who would take part in the exchange: one person a line, with position."),
    )

    def __init__(self, *args, application, **kwargs):
        call = application.call
        areas = list(call.thematic_areas.all())
        if "initial" not in kwargs:
            answers = {a.question_id: a.text for a in application.answers.all()}
            kwargs["initial"] = {
                "thematic_areas": [area.pk for area in application.thematic_areas.all()],
                "topics": [topic.pk for topic in application.topics.all()],
                "goals": application.goals,
                "experience": application.experience,
                "delegation": application.delegation,
                **{f"answer_{pk}": text for pk, text in answers.items()},
            }
        super().__init__(*args, **kwargs)
        area_qs = ThematicArea.objects.order_by("order", "name")
        if areas:
            area_qs = area_qs.filter(pk__in=[area.pk for area in areas])
        self.fields["thematic_areas"].queryset = area_qs
        self.fields["topics"].queryset = (
            Topic.objects.filter(area__in=area_qs)
            .select_related("area")
            .order_by("area__order", "area__name", "order", "name")
        )
        self.questions = list(call.questions.all())
        for question in self.questions:
            self.fields[f"answer_{question.pk}"] = forms.CharField(
                label=question.text,
                required=False,
                max_length=question.max_length,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=question.help_text,
            )

    def topic_areas(self) -> dict[int, int]:
        """Each topic offered with its thematic area: the page's script offers only the
        topics of the areas ticked."""
        return dict(self.fields["topics"].queryset.values_list("pk", "area_id"))

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "thematic_areas": data["thematic_areas"],
            "topics": data["topics"],
            "goals": data["goals"],
            "experience": data["experience"],
            "delegation": data["delegation"],
            "answers": {q.pk: data[f"answer_{q.pk}"] for q in self.questions},
        }

    def main_fields(self):
        return [self[name] for name in ("goals", "experience", "delegation")]

    def answer_fields(self):
        return [self[f"answer_{question.pk}"] for question in self.questions]


class ApplicationPartnerForm(forms.ModelForm):
    class Meta:
        model = ApplicationPartner
        fields = ["sector", "name", "role"]


class ApplicationDocumentForm(forms.Form):
    file = forms.FileField(
        label=_("PDF file"),
        help_text=_("A PDF of at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


class ApplicationWithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the city withdraw? (optional)"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- The review of a call -----------------------------------------------------------------------
class ConflictDeclarationForm(forms.Form):
    """A reviewer's declaration, asked before they read the application in full."""

    conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this city or its application?"),
        choices=[
            ("no", _("No: I have no conflict of interest, and I will review it")),
            ("yes", _("Yes: I have a conflict of interest, and I withdraw from this review")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you have a conflict of interest.")},
    )
    conflict_note = forms.CharField(
        label=_("About the conflict"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("If you have one: what links you to the city (staff read it)."),
    )


def score_message(criterion) -> str:
    return _("A score for “%(criterion)s” is between 0 and %(max)s.") % {
        "criterion": criterion.name,
        "max": criterion.scale_max,
    }


class ScoreForm(forms.Form):
    """One score (0 to the criterion's highest) and a comment per criterion of the call, and
    a comment on the whole application."""

    def __init__(self, *args, criteria, scores=None, comment="", **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        scores = scores or {}
        for criterion in criteria:
            score = scores.get(criterion.pk)
            message = score_message(criterion)
            self.fields[f"score_{criterion.pk}"] = forms.IntegerField(
                label=_("%(criterion)s: score from 0 to %(max)s")
                % {"criterion": criterion.name, "max": criterion.scale_max},
                min_value=0,
                max_value=criterion.scale_max,
                initial=score.value if score else None,
                help_text=criterion.description,
                error_messages={
                    "required": message,
                    "invalid": message,
                    "min_value": message,
                    "max_value": message,
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.name},
                required=False,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.fields["comment"] = forms.CharField(
            label=_("Overall comment"),
            required=False,
            initial=comment,
            widget=forms.Textarea(attrs={"rows": 4}),
        )

    def scores(self) -> dict:
        """criterion id → (score, comment), as the service takes them."""
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}"))
            for c in self.criteria
        }


class AssignReviewerForm(forms.Form):
    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"),
        queryset=User.objects.none(),
        help_text=_("A coordinator, an outside expert or a member of programme staff."),
        error_messages={"required": _("Choose the person who will review the application.")},
    )

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.get_role_display()})"
        )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=Application.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose selected, reserve list or not selected.")},
    )
    decision_reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Sent to the city with the decision; required for the reserve list and for not "
            "selected."
        ),
    )


class MatchForm(forms.Form):
    """One suggested pairing of an edition: its EU city and its partner city (the service
    checks that both take part, on their sides, and are not paired yet)."""

    eu_city = forms.ModelChoiceField(
        label=_("EU city"),
        queryset=City.objects.all(),
        error_messages={"invalid_choice": _("Choose an EU city of the edition.")},
    )
    partner_city = forms.ModelChoiceField(
        label=_("Partner city"),
        queryset=City.objects.all(),
        error_messages={"invalid_choice": _("Choose a partner city of the edition.")},
    )


class MatchDecisionForm(MatchForm):
    PIN, EXCLUDE, UNDO = "pin", "exclude", "undo"

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[(PIN, _("Pin")), (EXCLUDE, _("Exclude")), (UNDO, _("Undo"))],
        error_messages={"invalid_choice": _("Pin, exclude or undo.")},
    )


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
            "opportunity",
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
        # The opportunities posted in the pairing's cities.
        self.fields["opportunity"].queryset = Opportunity.objects.filter(
            city_id__in=pairing.member_city_ids()
        ).order_by("-valid_from", "title")
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
