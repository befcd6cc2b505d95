"""Working meetings: the meeting itself, its delegation quotas and agenda, who registers and
comes, the minutes, the outcomes turned into actions, and the evaluation."""

import secrets
import zoneinfo

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from worldcities import textsearch
from worldcities.formats import date_format
from worldcities.translations import Translation

DEFAULT_REMINDER_DAYS = (14, 2)
MAX_REMINDER_DAYS = 90


def default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


def validate_reminder_days(value) -> None:
    if not isinstance(value, list) or not all(
        isinstance(day, int) and 1 <= day <= MAX_REMINDER_DAYS for day in value
    ):
        raise ValidationError(
            _("Give whole numbers of days between 1 and %(max)s.") % {"max": MAX_REMINDER_DAYS}
        )
    if len(value) > 5:
        raise ValidationError(_("Give at most five reminders."))


class Meeting(models.Model):
    class Kind(models.TextChoices):
        LAUNCH = "launch", _("Launch meeting")
        WORKING = "working", _("Working meeting")
        FOLLOW_UP = "follow_up", _("Follow-up meeting")
        CLOSING = "closing", _("Closing meeting")
        ONLINE = "online", _("Online session")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        CONFIRMED = "confirmed", _("Confirmed")
        HELD = "held", _("Held")
        EVALUATED = "evaluated", _("Evaluated")
        CANCELLED = "cancelled", _("Cancelled")

    edition = models.ForeignKey(
        "twinning.Edition",
        verbose_name=_("edition"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True, editable=False)
    host_city = models.ForeignKey(
        "cities.City",
        verbose_name=_("host city"),
        on_delete=models.PROTECT,
        related_name="hosted_meetings",
        help_text=_("Start and end are given in this city's time zone."),
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    online_url = models.URLField(_("online link"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    description = models.TextField(
        _("public description"), blank=True, help_text=_("Visitors see this text.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the title and description are written in."),
    )
    is_public = models.BooleanField(
        _("public meeting"),
        default=False,
        help_text=_(
            "Visitors see its agenda, and it appears in the programme's public calendar feeds."
        ),
    )
    practical_information = models.TextField(
        _("practical information"),
        blank=True,
        help_text=_("For delegates and coordinators only."),
    )
    pairings = models.ManyToManyField(
        "twinning.Pairing",
        verbose_name=_("pairings served"),
        blank=True,
        related_name="meetings",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    registration_opens_at = models.DateTimeField(_("registration opens"), null=True, blank=True)
    registration_closes_at = models.DateTimeField(_("registration closes"), null=True, blank=True)
    capacity = models.PositiveIntegerField(
        _("total capacity"),
        null=True,
        blank=True,
        help_text=_("Leave empty for no overall limit."),
    )
    approval_required = models.BooleanField(
        _("coordinators confirm each registration"),
        default=False,
        help_text=_("Otherwise a registration within the quota is confirmed at once."),
    )
    reminder_days = models.JSONField(
        _("reminders (days before the start)"),
        default=default_reminder_days,
        blank=True,
        validators=[validate_reminder_days],
        help_text=_("Everyone holding a place gets a reminder this many days before the start."),
    )
    minutes = models.TextField(_("minutes"), blank=True, help_text=_("Markdown."))
    minutes_html = models.TextField(editable=False, blank=True)
    minutes_updated_at = models.DateTimeField(null=True, blank=True, editable=False)
    actions = models.ManyToManyField(
        "twinning.Action",
        through="MeetingOutcome",
        verbose_name=_("actions agreed"),
        blank=True,
        related_name="meetings",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What a search reads of what every reader sees (practical information is left out).
    search_document = textsearch.language_document(
        "language", ("title", "A"), ("venue", "B"), ("description", "C")
    )
    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="meeting_ends_after_start",
                violation_error_message=_("A meeting ends after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="meeting_registration_window_order",
                violation_error_message=_("Registration closes after it opens."),
            ),
        ]
        indexes = [
            # The lists read meetings in the order they start, upcoming (not ended yet) or
            # past: with the end in the index, a list of upcoming meetings skips the past
            # ones inside the index instead of reading each of them.
            models.Index(fields=["starts_at", "ends_at"], name="meeting_start_end"),
            # How many meetings are upcoming or past.
            models.Index(fields=["ends_at"], name="meeting_end"),
            models.Index(fields=["status"]),
            GinIndex(fields=["search_document"], name="meeting_search_gin"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("meetings:detail", kwargs={"pk": self.pk})

    @property
    def time_zone(self) -> str:
        return self.host_city.time_zone or settings.TIME_ZONE

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def local_starts_at(self):
        return self.starts_at.astimezone(self.zone)

    @property
    def local_ends_at(self):
        return self.ends_at.astimezone(self.zone)

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The meeting must end after it starts.")
        opens, closes = self.registration_opens_at, self.registration_closes_at
        if opens and closes and closes <= opens:
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if closes and self.ends_at and closes > self.ends_at:
            errors["registration_closes_at"] = _("Registration must close before the meeting ends.")
        if self.kind == self.Kind.ONLINE and not self.online_url:
            errors["online_url"] = _("An online session needs a link.")
        if errors:
            raise ValidationError(errors)


class DelegationQuota(models.Model):
    """How many people a city may send to a meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="quotas"
    )
    city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    places = models.PositiveSmallIntegerField(_("places"))

    class Meta:
        verbose_name = _("delegation quota")
        verbose_name_plural = _("delegation quotas")
        ordering = ["meeting", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "city"],
                name="quota_once_per_city",
                violation_error_message=_("This city already has a quota for the meeting."),
            )
        ]

    def __str__(self):
        return f"{self.city}: {self.places}"

    def clean(self):
        super().clean()
        if self.meeting_id and self.places is not None:
            capacity = self.meeting.capacity
            if capacity is not None and self.places > capacity:
                raise ValidationError(
                    {
                        "places": _(
                            "%(places)s places are more than the meeting's capacity (%(capacity)s)."
                        )
                        % {"places": self.places, "capacity": capacity}
                    }
                )


class AgendaItem(models.Model):
    class Kind(models.TextChoices):
        SESSION = "session", _("Session")
        WORKSHOP = "workshop", _("Workshop")
        FIELD_VISIT = "field_visit", _("Field visit")
        SITE_VISIT = "site_visit", _("Site visit")
        BREAK = "break", _("Break")
        SOCIAL = "social", _("Social event")

    VISIT_KINDS = (Kind.FIELD_VISIT, Kind.SITE_VISIT)

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda_items"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SESSION)
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    thematic_area = models.ForeignKey(
        "cities.ThematicArea",
        verbose_name=_("thematic area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )
    speakers = models.CharField(_("speakers"), max_length=500, blank=True)
    organisations = models.ManyToManyField(
        "cities.Organisation", verbose_name=_("organisations"), blank=True, related_name="+"
    )
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveSmallIntegerField(
        _("places for the visit"),
        null=True,
        blank=True,
        help_text=_("For a field or site visit with limited places: people sign up for it."),
    )

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="agenda_item_ends_after_start",
                violation_error_message=_("An agenda item ends after it starts."),
            )
        ]

    def __str__(self):
        return self.title

    @property
    def has_signup(self) -> bool:
        return self.capacity is not None

    def clean(self):
        super().clean()
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The item must end after it starts.")
        if self.meeting_id and self.starts_at and self.ends_at:
            meeting = self.meeting
            if not meeting.starts_at <= self.starts_at < meeting.ends_at:
                errors["starts_at"] = _("The item must start within the meeting (%(when)s).") % {
                    "when": _window(meeting)
                }
            if not meeting.starts_at < self.ends_at <= meeting.ends_at:
                errors.setdefault(
                    "ends_at",
                    _("The item must end within the meeting (%(when)s).")
                    % {"when": _window(meeting)},
                )
        if self.capacity is not None and self.kind not in self.VISIT_KINDS:
            errors["capacity"] = _("Only field and site visits take sign-ups.")
        if errors:
            raise ValidationError(errors)


def _window(meeting: Meeting) -> str:
    start = date_format(meeting.local_starts_at, "DATETIME_FORMAT")
    end = date_format(meeting.local_ends_at, "DATETIME_FORMAT")
    return f"{start} – {end} {meeting.time_zone}"


class Registration(models.Model):
    class Status(models.TextChoices):
        INVITED = "invited", _("Invited")
        REGISTERED = "registered", _("Registered")
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waiting list")
        CANCELLED = "cancelled", _("Cancelled")
        DECLINED = "declined", _("Declined")

    # Who holds a place, and who is still in play (told when the meeting is cancelled).
    HOLDING = (Status.REGISTERED, Status.CONFIRMED)
    ACTIVE = (Status.INVITED, Status.REGISTERED, Status.CONFIRMED, Status.WAITLISTED)

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="registrations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_registrations",
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("delegation of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    waitlisted_at = models.DateTimeField(_("waitlisted at"), null=True, blank=True)
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    arrival_at = models.DateTimeField(_("arrival"), null=True, blank=True)
    departure_at = models.DateTimeField(_("departure"), null=True, blank=True)
    dietary_needs = models.CharField(_("dietary needs"), max_length=300, blank=True)
    needs_visa_letter = models.BooleanField(_("needs a visa invitation letter"), default=False)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Who registered, was confirmed, cancelled or attended: travel details stay out of it (they
    # are erased after the meeting).
    history = HistoricalRecords(
        excluded_fields=["arrival_at", "departure_at", "dietary_needs", "needs_visa_letter"]
    )

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["meeting", "city__name", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="registration_once_per_person",
                violation_error_message=_("This person is already on the meeting's list."),
            ),
            models.CheckConstraint(
                condition=Q(arrival_at__isnull=True)
                | Q(departure_at__isnull=True)
                | Q(departure_at__gte=F("arrival_at")),
                name="registration_departs_after_arrival",
                violation_error_message=_("Departure comes after arrival."),
            ),
        ]
        indexes = [models.Index(fields=["meeting", "status", "city"])]

    def __str__(self):
        return f"{self.person} – {self.meeting}"

    @property
    def holds_place(self) -> bool:
        return self.status in self.HOLDING

    def clean(self):
        super().clean()
        if self.arrival_at and self.departure_at and self.departure_at < self.arrival_at:
            raise ValidationError({"departure_at": _("Departure must come after arrival.")})


class AgendaSignup(models.Model):
    """A place on a field or site visit."""

    item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE, related_name="signups"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit sign-up")
        verbose_name_plural = _("visit sign-ups")
        ordering = ["item", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "person"],
                name="signup_once_per_person",
                violation_error_message=_("You have already signed up for this visit."),
            )
        ]

    def __str__(self):
        return f"{self.person} – {self.item}"


class MeetingOutcome(models.Model):
    """An action of a pairing's action plan that a meeting agreed."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="outcomes"
    )
    action = models.ForeignKey(
        "twinning.Action",
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        related_name="meeting_outcomes",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["meeting", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "action"],
                name="outcome_once_per_action",
                violation_error_message=_("This action is already linked to the meeting."),
            )
        ]

    def __str__(self):
        return f"{self.meeting}: {self.action}"


RATING = [MinValueValidator(1), MaxValueValidator(5)]
RATING_FIELDS = ("overall", "content", "organisation", "usefulness")


class Evaluation(models.Model):
    """One attendee's answer. Coordinators only ever see the answers together, unnamed."""

    RATING_FIELDS = RATING_FIELDS

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="evaluations"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    overall = models.PositiveSmallIntegerField(_("overall"), validators=RATING)
    content = models.PositiveSmallIntegerField(_("content"), validators=RATING)
    organisation = models.PositiveSmallIntegerField(_("organisation"), validators=RATING)
    usefulness = models.PositiveSmallIntegerField(_("usefulness for your city"), validators=RATING)
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["meeting", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "person"],
                name="evaluation_once_per_person",
                violation_error_message=_("You have already evaluated this meeting."),
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}),
                    name=f"evaluation_{name}_1_to_5",
                    violation_error_message=_("Ratings run from 1 to 5."),
                )
                for name in RATING_FIELDS
            ],
        ]

    def __str__(self):
        return f"{self.meeting} ({self.pk})"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeedToken(models.Model):
    """The secret in a person's calendar subscription address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="meeting_feed_token",
    )
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("calendar feed token")
        verbose_name_plural = _("calendar feed tokens")

    def __str__(self):
        return str(self.user)


class MeetingTranslation(Translation):
    """A meeting's title and public description in another language than its own
    (``Meeting.language``), written by its coordinators and marked as checked by a person
    or not yet. Searched through its own document, in its language's configuration."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="translations", verbose_name=_("meeting")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("public description"), blank=True)
    search_document = textsearch.language_document("language", ("title", "A"), ("description", "C"))

    class Meta(Translation.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "language"],
                name="meeting_translation_once",
                violation_error_message=_(
                    "This meeting already has a translation into this language: edit it."
                ),
            )
        ]
        indexes = [GinIndex(fields=["search_document"], name="meeting_translation_search_gin")]

    def __str__(self):
        return f"{self.meeting} ({self.language})"
