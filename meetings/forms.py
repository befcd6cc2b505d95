import datetime
import uuid
import zoneinfo

from django import forms
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cities.models import City, Organisation
from twinning.models import Edition, Pairing
from worldcities.formats import date_format
from worldcities.users.models import Role, User
from worldcities.users.permissions import is_programme_staff

from .models import (
    MAX_REMINDER_DAYS,
    AgendaItem,
    Evaluation,
    Meeting,
    MeetingTranslation,
    Registration,
    default_reminder_days,
)
from .permissions import edition_city_ids, meeting_city_ids


class LocalDateTimeField(forms.DateTimeField):
    """A wall-clock date and time, kept naive: the form decides which zone it belongs to (the
    host city's), not the zone of whoever types it."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")

    def to_python(self, value):
        with timezone.override(datetime.UTC):
            result = super().to_python(value)
        return result.replace(tzinfo=None) if result else result

    def prepare_value(self, value):
        return value


def localize(form: forms.Form, names, zone: zoneinfo.ZoneInfo) -> None:
    """Makes the naive values of ``names`` aware in ``zone``; a time that the clocks skip
    (spring forward) is an error on its field."""
    for name in names:
        value = form.cleaned_data.get(name)
        if value is None or timezone.is_aware(value):
            continue
        aware = value.replace(tzinfo=zone)
        if aware.astimezone(datetime.UTC).astimezone(zone).replace(tzinfo=None) != value:
            form.add_error(
                name,
                _("%(time)s does not exist in %(zone)s: the clocks change then.")
                % {"time": date_format(value, "TIME_FORMAT"), "zone": zone.key},
            )
            continue
        form.cleaned_data[name] = aware


def wall_clock(value, zone):
    return value.astimezone(zone).replace(tzinfo=None) if value else value


MEETING_TIMES = ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at")


def https_urls(field, **kwargs):
    """Form fields for a model, with web addresses typed without a scheme taken as https."""
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class ReminderDaysField(forms.CharField):
    """Days before the start, typed as "14, 2"; empty for no reminders."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(str(day) for day in value)
        return value

    def to_python(self, value):
        text = super().to_python(value)
        if text.strip() in ("", "[]"):
            return []
        days = []
        for part in text.replace(";", ",").split(","):
            part = part.strip()
            if not part.isdigit() or not 1 <= int(part) <= MAX_REMINDER_DAYS:
                raise forms.ValidationError(
                    _(
                        "“%(part)s” is not a number of days between 1 and %(max)s. "
                        "Write the days separated by commas, e.g. 14, 2."
                    ),
                    params={"part": part, "max": MAX_REMINDER_DAYS},
                    code="invalid",
                )
            days.append(int(part))
        if len(set(days)) > 5:
            raise forms.ValidationError(_("Give at most five reminders."), code="too_many")
        return sorted(set(days), reverse=True)


class MeetingForm(forms.ModelForm):
    starts_at = LocalDateTimeField(label=_("Starts"), help_text=_("In the host city's time."))
    ends_at = LocalDateTimeField(label=_("Ends"), help_text=_("In the host city's time."))
    registration_opens_at = LocalDateTimeField(label=_("Registration opens"), required=False)
    registration_closes_at = LocalDateTimeField(
        label=_("Registration closes"),
        required=False,
        help_text=_("In the host city's time. Empty: registration closes when the meeting starts."),
    )
    reminder_days = ReminderDaysField(
        label=_("Reminders (days before the start)"),
        initial=default_reminder_days,
        help_text=_(
            "Everyone holding a place gets an e-mail with the dates, the place and a calendar "
            "file this many days before the meeting, e.g. 14, 2. Leave empty for none."
        ),
    )

    class Meta:
        model = Meeting
        fields = [
            "edition",
            "kind",
            "title",
            "host_city",
            "venue",
            "address",
            "online_url",
            "starts_at",
            "ends_at",
            "description",
            "language",
            "is_public",
            "practical_information",
            "pairings",
            "registration_opens_at",
            "registration_closes_at",
            "capacity",
            "approval_required",
            "reminder_days",
        ]
        widgets = {"pairings": forms.CheckboxSelectMultiple}
        formfield_callback = https_urls

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Left out, a meeting is written in English (the model's default).
        self.fields["language"].required = False
        editions = Edition.objects.all()
        if not is_programme_staff(user):
            editions = editions.filter(coordinators=user)
        self.fields["edition"].queryset = editions
        self.fields["host_city"].queryset = City.objects.select_related("country")
        self.fields["pairings"].queryset = Pairing.objects.filter(
            edition__in=editions
        ).select_related("eu_lead", "partner_lead")
        if self.instance.pk:
            del self.fields["edition"]
            self.fields["pairings"].queryset = self.fields["pairings"].queryset.filter(
                edition=self.instance.edition
            )
            zone = self.instance.zone
            for name in MEETING_TIMES:
                self.initial[name] = wall_clock(getattr(self.instance, name), zone)

    def clean_language(self):
        return self.cleaned_data.get("language") or "en"

    def clean(self):
        data = super().clean()
        city = data.get("host_city")
        if city is not None:
            localize(self, MEETING_TIMES, zoneinfo.ZoneInfo(city.time_zone))
        else:
            # Times are read in the host city's zone: without one (its field says so) they
            # stay off the meeting rather than be compared, naive, with aware ones.
            for name in MEETING_TIMES:
                if data.get(name) is not None and timezone.is_naive(data[name]):
                    del data[name]
        edition = data.get("edition") or getattr(self.instance, "edition", None)
        pairings = data.get("pairings")
        if edition and pairings and any(p.edition_id != edition.pk for p in pairings):
            self.add_error("pairings", _("Choose pairings of the meeting's edition."))
        return data


class AgendaItemForm(forms.ModelForm):
    starts_at = LocalDateTimeField(label=_("Starts"))
    ends_at = LocalDateTimeField(label=_("Ends"))

    class Meta:
        model = AgendaItem
        fields = [
            "kind",
            "title",
            "starts_at",
            "ends_at",
            "place",
            "thematic_area",
            "speakers",
            "organisations",
            "description",
            "capacity",
        ]

    def __init__(self, *args, meeting: Meeting, **kwargs):
        kwargs.setdefault("instance", AgendaItem(meeting=meeting))
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        zone = meeting.time_zone
        if self.instance.pk:
            for name in ("starts_at", "ends_at"):
                self.initial[name] = wall_clock(getattr(self.instance, name), meeting.zone)
        for name in ("starts_at", "ends_at"):
            self.fields[name].help_text = _("In %(zone)s time.") % {"zone": zone}
        self.fields["organisations"].required = False

    def clean(self):
        data = super().clean()
        localize(self, ("starts_at", "ends_at"), self.meeting.zone)
        return data


class QuotaForm(forms.Form):
    """Places per city, one field per city taking part."""

    def __init__(self, *args, meeting: Meeting, quotas, **kwargs):
        super().__init__(*args, **kwargs)
        current = {q.city_id: q.places for q in quotas}
        ids = meeting_city_ids(meeting) | set(current)
        self.cities = list(City.objects.filter(pk__in=ids).order_by("name"))
        for city in self.cities:
            self.fields[f"city_{city.pk}"] = forms.IntegerField(
                label=city.name,
                min_value=0,
                required=False,
                initial=current.get(city.pk),
                help_text=_("Empty: no quota (only the meeting's capacity applies)."),
            )

    def places(self) -> dict:
        return {city: self.cleaned_data.get(f"city_{city.pk}") for city in self.cities}


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    city = forms.ModelChoiceField(
        label=_("City"),
        queryset=City.objects.none(),
        required=False,
        help_text=_("Needed for someone who has no account yet."),
    )
    register = forms.BooleanField(
        label=_("Register them at once (within their city's quota)"), required=False
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # New accounts are for the edition's cities (see ``registration_invite``).
        self.fields["city"].queryset = City.objects.filter(
            pk__in=edition_city_ids(meeting.edition_id)
        )


class InvitationReminderForm(forms.Form):
    """Whom to remind of an unanswered invitation, with what subject and message. The token
    makes a double submit send once."""

    recipients = forms.ModelMultipleChoiceField(
        label=_("Remind"),
        queryset=Registration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one person.")},
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Shown above the meeting's dates and place."),
    )
    token = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        unanswered = (
            meeting.registrations.filter(status=Registration.Status.INVITED)
            .select_related("person", "city")
            .order_by("person__full_name", "pk")
        )
        self.fields["recipients"].queryset = unanswered
        self.fields["recipients"].label_from_instance = lambda r: (
            f"{r.person} ({r.city or r.person.email})"
        )
        self.initial.setdefault("recipients", [r.pk for r in unanswered])
        self.initial.setdefault(
            "subject", _("Reminder: you are invited to %(title)s") % {"title": meeting.title}
        )
        self.initial.setdefault("token", uuid.uuid4().hex)
        self.default_subject = self.initial["subject"]

    def clean_subject(self):
        """The untouched default becomes empty: each person then gets it in their language."""
        subject = self.cleaned_data["subject"].strip()
        return "" if subject == str(self.default_subject) else subject


class LogisticsForm(forms.ModelForm):
    arrival_at = LocalDateTimeField(label=_("Arrival"), required=False)
    departure_at = LocalDateTimeField(label=_("Departure"), required=False)

    class Meta:
        model = Registration
        fields = ["arrival_at", "departure_at", "dietary_needs", "needs_visa_letter"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        zone = self.instance.meeting.zone
        for name in ("arrival_at", "departure_at"):
            self.initial[name] = wall_clock(getattr(self.instance, name), zone)
            self.fields[name].help_text = _("In %(zone)s time.") % {"zone": zone.key}

    def clean(self):
        data = super().clean()
        localize(self, ("arrival_at", "departure_at"), self.instance.meeting.zone)
        return data


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown: **bold**, lists with -, links as [text](https://…)."),
    )


class AttendanceForm(forms.Form):
    attended = forms.ModelMultipleChoiceField(
        label=_("Who attended"),
        queryset=Registration.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        holders = meeting.registrations.filter(status__in=Registration.HOLDING).select_related(
            "person", "city"
        )
        field = self.fields["attended"]
        field.queryset = holders
        field.label_from_instance = lambda r: f"{r.person} ({r.city or '—'})"
        self.initial["attended"] = [r.pk for r in holders if r.attended]


class OutcomeForm(forms.Form):
    pairing = forms.ModelChoiceField(label=_("Pairing"), queryset=Pairing.objects.none())
    title = forms.CharField(label=_("Action"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    owner_person = forms.ModelChoiceField(
        label=_("Owner"), queryset=User.objects.none(), required=False
    )
    owner_organisation = forms.ModelChoiceField(
        label=_("Owner organisation"), queryset=Organisation.objects.all(), required=False
    )
    due_date = forms.DateField(
        label=_("Due date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        served = meeting.pairings.all()
        if not served.exists():
            served = Pairing.objects.filter(edition=meeting.edition)
        self.fields["pairing"].queryset = served.select_related("eu_lead", "partner_lead")
        only = list(served[:2])
        if len(only) == 1:
            self.initial.setdefault("pairing", only[0].pk)
        self.fields["owner_person"].queryset = User.objects.filter(
            Q(city_id__in=meeting_city_ids(meeting), role=Role.DELEGATE)
            | Q(coordinated_editions=meeting.edition),
            is_active=True,
        ).distinct()


RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]


class EvaluationForm(forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = ["overall", "content", "organisation", "usefulness", "comments"]
        widgets = {
            name: forms.RadioSelect(choices=RATING_CHOICES)
            for name in ("overall", "content", "organisation", "usefulness")
        }
        help_texts = {
            "comments": _("Coordinators see comments without your name."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("overall", "content", "organisation", "usefulness"):
            self.fields[name] = forms.TypedChoiceField(
                label=self.fields[name].label,
                choices=RATING_CHOICES,
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("1 = poor, 5 = excellent"),
            )

    def _post_clean(self):
        # The service validates and saves; the form checks only its own fields.
        pass


class StatusForm(forms.Form):
    same_for_every_reader = True  # its fields are rendered once per status ({% form_fields %})

    status = forms.ChoiceField(label=_("Status"), choices=Meeting.Status.choices)


class MeetingTranslationForm(forms.ModelForm):
    """A translation's title and public description; its language only when it is new."""

    class Meta:
        model = MeetingTranslation
        fields = ["language", "title", "description"]
        labels = {"language": _("Translated into"), "title": _("Meeting title")}
        error_messages = {
            "language": {
                "invalid_choice": _(
                    "The platform does not offer “%(value)s”: choose one of the languages listed."
                )
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["language"]


class MeetingTranslationDraftForm(forms.Form):
    """The language a coordinator asks machine translation for a draft in."""

    language = forms.ChoiceField(
        label=_("Draft a translation into"),
        choices=settings.LANGUAGES,
        error_messages={
            "invalid_choice": _(
                "The platform does not offer “%(value)s”: choose one of the languages listed."
            )
        },
    )
