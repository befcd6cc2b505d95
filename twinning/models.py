import uuid
import zoneinfo
from pathlib import PurePath

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
    URLValidator,
)
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cities.models import Organisation
from worldcities import textsearch
from worldcities.currencies import CURRENCY_MESSAGE, ISO_4217, validate_currency
from worldcities.users.models import validate_time_zone

PROGRESS_MESSAGE = _("Progress is a percentage between 0 and 100.")
NOTE_REQUIRED = _("Say what was done: the note is kept in the action's history.")
STATUS_PROGRESS_MESSAGE = _(
    "Planned goes with 0 %, in progress with 1 to 99 %, done with 100 %; "
    "dropped keeps whatever was reached."
)


def _related_or_none(instance, name):
    """The related object ``name`` of ``instance``, also when it is attached but not yet
    saved (an inline in the admin), or None."""
    try:
        return getattr(instance, name)
    except ObjectDoesNotExist:
        return None


class Edition(models.Model):
    """One edition of the programme, per partner country (or countries) and period."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        RUNNING = "running", _("Running")
        CLOSED = "closed", _("Closed")

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    partner_countries = models.ManyToManyField(
        "cities.Country", verbose_name=_("partner countries"), related_name="editions"
    )
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    implementing_partners = models.ManyToManyField(
        "cities.Organisation",
        verbose_name=_("implementing partners"),
        blank=True,
        related_name="implemented_editions",
    )
    coordinators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("coordinators"),
        blank=True,
        related_name="coordinated_editions",
        limit_choices_to={"role": "coordinator"},
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["-start_date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="edition_ends_after_start",
                violation_error_message=_("An edition ends on or after its start."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("twinning:edition_detail", kwargs={"slug": self.slug})


class EditionCity(models.Model):
    """A city taking part in an edition: selected from the call (``application``) or added
    by staff. What it wants from the exchange (its thematic areas, topics and goals) is what
    matchmaking reads; its side follows from its country during the edition."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="cities"
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="editions_joined",
    )
    thematic_areas = models.ManyToManyField(
        "cities.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="edition_cities",
    )
    topics = models.ManyToManyField(
        "cities.Topic", verbose_name=_("topics"), blank=True, related_name="edition_cities"
    )
    goals = models.TextField(
        _("goals"), blank=True, help_text=_("What the city wants to achieve in the exchange.")
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    application = models.OneToOneField(
        "Application",
        verbose_name=_("application"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="edition_city",
        help_text=_("The application the city was selected from, if any."),
    )

    class Meta:
        verbose_name = _("participating city")
        verbose_name_plural = _("participating cities")
        ordering = ["edition", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "city"],
                name="edition_city_once",
                violation_error_message=_("This city already takes part in the edition."),
            )
        ]

    def __str__(self):
        return f"{self.city} ({self.edition})"

    @property
    def is_eu_side(self) -> bool:
        """Whether the city is on the EU side: its country was an EU member during the
        edition (reads ``city.country`` and ``edition``: select them)."""
        edition = self.edition
        return self.city.country.is_eu_member_during(edition.start_date, edition.end_date)


class Milestone(models.Model):
    """A step of an edition's cycle (selection, launch, working meeting, …), dates editable."""

    class Kind(models.TextChoices):
        SELECTION = "selection", _("Selection of cities")
        LAUNCH = "launch", _("Launch meeting")
        WORKING_MEETING = "working_meeting", _("Working meeting in the partner country")
        COOPERATION = "cooperation", _("Decentralised cooperation")
        FOLLOW_UP = "follow_up", _("Follow-up working meetings in the EU")
        CLOSING = "closing", _("Closing meetings")
        OTHER = "other", _("Other")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="milestones"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["edition", "order", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="milestone_ends_after_start",
                violation_error_message=_("A milestone ends on or after its start."),
            )
        ]

    def __str__(self):
        return self.title


class Pairing(models.Model):
    """An EU city and a partner city (each the lead of its side) cooperating on shared topics.
    The scheme is open: further cities may join either side (``PairingMember``)."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        SELECTED = "selected", _("Selected")
        ACTIVE = "active", _("Active")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="pairings"
    )
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    eu_lead = models.ForeignKey(
        "cities.City",
        verbose_name=_("EU lead city"),
        on_delete=models.PROTECT,
        related_name="eu_lead_pairings",
    )
    partner_lead = models.ForeignKey(
        "cities.City",
        verbose_name=_("partner lead city"),
        on_delete=models.PROTECT,
        related_name="partner_lead_pairings",
    )
    thematic_areas = models.ManyToManyField(
        "cities.ThematicArea", verbose_name=_("thematic areas"), blank=True, related_name="pairings"
    )
    topics = models.ManyToManyField(
        "cities.Topic", verbose_name=_("topics"), blank=True, related_name="pairings"
    )
    topics_note = models.CharField(
        _("topics in the cities' words"),
        max_length=500,
        blank=True,
        help_text=_("The topics as the cities published them."),
    )
    objectives = models.TextField(_("objectives"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PROPOSED, editable=False
    )
    mou_signed_on = models.DateField(
        _("memorandum of understanding signed on"), null=True, blank=True
    )
    mou_document = models.FileField(
        _("memorandum of understanding"),
        upload_to="pairings/mou/",
        blank=True,
        validators=[FileExtensionValidator(["pdf", "docx", "odt", "doc"])],
        help_text=_("A PDF or a text document."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What a search reads of the pairing's own text (its cities and actions are read from
    # theirs): its topics in the cities' words and its objectives.
    search_document = textsearch.stored_document(("topics_note", "A"), ("objectives", "C"))

    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        verbose_name = _("pairing")
        verbose_name_plural = _("pairings")
        ordering = ["edition", "partner_lead__name"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(eu_lead=F("partner_lead")),
                name="pairing_leads_differ",
                violation_error_message=_("A city cannot be on both sides of a pairing."),
            ),
            models.UniqueConstraint(
                fields=["edition", "eu_lead", "partner_lead"],
                name="pairing_unique_leads_per_edition",
                violation_error_message=_("These two cities are already paired in this edition."),
            ),
        ]
        indexes = [GinIndex(fields=["search_document"], name="pairing_search_gin")]

    def __str__(self):
        return f"{self.partner_lead.name} – {self.eu_lead.name}"

    def get_absolute_url(self):
        return reverse("twinning:pairing_detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        if self.eu_lead_id and self.partner_lead_id and self.eu_lead_id == self.partner_lead_id:
            errors["partner_lead"] = _("A city cannot be on both sides of a pairing.")
        if self.eu_lead_id and self.edition_id:
            country = self.eu_lead.country
            if not country.is_eu_member_during(self.edition.start_date, self.edition.end_date):
                errors["eu_lead"] = _(
                    "%(city)s is in %(country)s, which was not an EU member during this edition."
                ) % {"city": self.eu_lead, "country": country}
        if self.partner_lead_id and self.edition_id and "partner_lead" not in errors:
            country = self.partner_lead.country
            if country.is_eu_member_during(self.edition.start_date, self.edition.end_date):
                errors["partner_lead"] = _(
                    "%(city)s is in an EU member state: choose a city of a partner country."
                ) % {"city": self.partner_lead}
        if errors:
            raise ValidationError(errors)

    def sides(self) -> dict[str, list]:
        """The member cities per side, each lead first (uses prefetched ``members``)."""
        sides = {
            PairingMember.Side.EU: [self.eu_lead],
            PairingMember.Side.PARTNER: [self.partner_lead],
        }
        for member in self.members.all():
            sides[member.side].append(member.city)
        return sides

    def member_city_ids(self) -> set[int]:
        """The ids of every member city, leads included (read with the pairing as
        ``further_member_ids`` by the selectors that can, else from prefetched ``members``)."""
        ids = {self.eu_lead_id, self.partner_lead_id}
        further = getattr(self, "further_member_ids", None)
        if further is not None:
            ids.update(further)
        else:
            ids.update(member.city_id for member in self.members.all())
        return ids


class PairingMember(models.Model):
    """A further city on one side of a pairing (a cluster), besides the two lead cities."""

    class Side(models.TextChoices):
        EU = "eu", _("EU")
        PARTNER = "partner", _("Partner")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="members"
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="pairing_memberships",
    )
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)

    class Meta:
        verbose_name = _("further member city")
        verbose_name_plural = _("further member cities")
        ordering = ["side", "city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "city"],
                name="pairing_member_once",
                violation_error_message=_("This city is already a member of the pairing."),
            )
        ]

    def __str__(self):
        return f"{self.city} ({self.get_side_display()})"

    def clean(self):
        super().clean()
        pairing = _related_or_none(self, "pairing")
        if pairing is None or not self.city_id:
            return
        if self.city_id in (pairing.eu_lead_id, pairing.partner_lead_id):
            raise ValidationError({"city": _("This city already leads a side of the pairing.")})
        edition = _related_or_none(pairing, "edition")
        if edition is None:
            return
        is_eu = self.city.country.is_eu_member_during(edition.start_date, edition.end_date)
        if self.side == self.Side.EU and not is_eu:
            raise ValidationError(
                {
                    "city": _(
                        "A city on the EU side must be in an EU member state during the edition."
                    )
                }
            )
        if self.side == self.Side.PARTNER and is_eu:
            raise ValidationError({"city": _("A city on the partner side must be outside the EU.")})


class PairingStatusChange(models.Model):
    """The lifecycle of a pairing: who changed its status, when, and why."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=Pairing.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=Pairing.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("changed at"), auto_now_add=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["-changed_at", "-id"]

    def __str__(self):
        return f"{self.from_status or '—'} → {self.to_status}"


def status_matches_progress() -> Q:
    """The statuses and percentages that go together: planned at 0 %, in progress between
    1 and 99 %, done at 100 %, dropped at whatever was reached."""
    return (
        Q(status="planned", progress=0)
        | Q(status="in_progress", progress__gte=1, progress__lte=99)
        | Q(status="done", progress=100)
        | Q(status="dropped")
    )


def progress_field(**kwargs) -> models.PositiveSmallIntegerField:
    """A percentage from 0 to 100, as an action and its progress updates hold it."""
    return models.PositiveSmallIntegerField(
        _("progress (%)"),
        validators=[
            MinValueValidator(0, message=PROGRESS_MESSAGE),
            MaxValueValidator(100, message=PROGRESS_MESSAGE),
        ],
        **kwargs,
    )


def progress_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A percentage from 0 to 100 that goes with the status, held by the database."""
    return [
        models.CheckConstraint(
            condition=Q(progress__gte=0, progress__lte=100),
            name=f"{prefix}_progress_percent",
            violation_error_message=PROGRESS_MESSAGE,
        ),
        models.CheckConstraint(
            condition=status_matches_progress(),
            name=f"{prefix}_status_matches_progress",
            violation_error_message=STATUS_PROGRESS_MESSAGE,
        ),
    ]


def status_progress_check(status: str, progress) -> None:
    """Raises a ValidationError, on the progress field, when ``status`` and ``progress``
    do not go together (``status_matches_progress``)."""
    if progress is None or not 0 <= progress <= 100:
        return  # the field's own validators say why
    expected = {
        "planned": (0, 0, _("A planned action is at 0 %: choose “In progress” once work began.")),
        "in_progress": (
            1,
            99,
            _("An action in progress is between 1 and 99 %: 0 % is planned, 100 % is done."),
        ),
        "done": (100, 100, _("A done action is at 100 %.")),
    }.get(status)
    if expected and not expected[0] <= progress <= expected[1]:
        raise ValidationError({"progress": expected[2]})


class Action(models.Model):
    """A concrete action of a pairing's action plan."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="actions"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_organisation = models.ForeignKey(
        "cities.Organisation",
        verbose_name=_("owner organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="actions",
    )
    owner_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_actions",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    progress = progress_field(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # What a search of the pairings reads of their actions.
    search_document = textsearch.stored_document(("title", "A"), ("description", "B"))

    history = HistoricalRecords(excluded_fields=["search_document"])

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["pairing", "due_date", "id"]
        constraints = progress_constraints("action")
        indexes = [
            models.Index(fields=["status", "due_date"]),
            GinIndex(fields=["search_document"], name="action_search_gin"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        errors = {}
        pairing = _related_or_none(self, "pairing")
        edition = _related_or_none(pairing, "edition") if pairing is not None else None
        if self.due_date and edition is not None and self.due_date < edition.start_date:
            errors["due_date"] = _("The due date lies before the edition starts (%(start)s).") % {
                "start": date_format(edition.start_date)
            }
        try:
            status_progress_check(self.status, self.progress)
        except ValidationError as exc:
            errors.update(exc.error_dict)
        if errors:
            raise ValidationError(errors)

    @property
    def latest_update(self):
        """The latest progress update, from the history prefetched as ``updates``
        (``twinning.selectors``), or None."""
        updates = getattr(self, "updates", None)
        if updates is None:
            updates = list(self.progress_updates.select_related("author")[:1])
        return updates[0] if updates else None


class ActionProgressUpdate(models.Model):
    """One update of an action's progress: who, when, the status and percentage it set, and
    what was done. The action keeps the latest status and percentage; these rows tell how it
    got there."""

    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.CASCADE,
        related_name="progress_updates",
    )
    status = models.CharField(_("status"), max_length=20, choices=Action.Status.choices)
    progress = progress_field()
    note = models.TextField(
        _("what was done"),
        max_length=2000,
        blank=True,
        help_text=_("Empty only for progress recorded before notes were kept."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("progress update")
        verbose_name_plural = _("progress updates")
        ordering = ["-created_at", "-id"]
        constraints = progress_constraints("action_update")

    def __str__(self):
        return f"{self.action}: {self.get_status_display()}, {self.progress} %"


# --- The call for cities and its applications ------------------------------------------------
def application_document_upload_to(instance, filename: str) -> str:
    """A random file name that keeps only the (already validated) extension."""
    extension = PurePath(filename).suffix.lower()[:10]
    return f"calls/documents/{uuid.uuid4().hex}{extension}"


class Call(models.Model):
    """A call for expressions of interest of an edition: who may apply (countries per side,
    city size, alliances), when (opening and closing in a named time zone), what is asked
    (questions, documents) and how applications are reviewed (criteria with weights)."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="calls"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200)
    introduction = models.TextField(
        _("introduction"), blank=True, help_text=_("What the call offers and whom it addresses.")
    )
    eu_countries = models.ManyToManyField(
        "cities.Country",
        verbose_name=_("EU countries open to"),
        blank=True,
        related_name="calls_eu_side",
        help_text=_("Leave empty to open the EU side to every EU member state."),
    )
    partner_countries = models.ManyToManyField(
        "cities.Country",
        verbose_name=_("partner countries open to"),
        blank=True,
        related_name="calls_partner_side",
        help_text=_("Leave empty to open the partner side to the edition's partner countries."),
    )
    thematic_areas = models.ManyToManyField(
        "cities.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="calls",
    )
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    time_zone = models.CharField(
        _("time zone of the dates"),
        max_length=64,
        default="Europe/Brussels",
        validators=[validate_time_zone],
        help_text=_("The opening and closing times are shown and enforced in this zone."),
    )
    min_population = models.PositiveIntegerField(_("smallest population"), null=True, blank=True)
    max_population = models.PositiveIntegerField(_("largest population"), null=True, blank=True)
    one_application_per_city = models.BooleanField(
        _("one application per city"),
        default=True,
        help_text=_("A city may then apply once to this call (a withdrawn application counts)."),
    )
    alliances_allowed = models.BooleanField(_("alliances of cities may apply"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("call for cities")
        verbose_name_plural = _("calls for cities")
        ordering = ["edition", "-opens_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "slug"],
                name="call_slug_per_edition",
                violation_error_message=_("The edition already has a call with this slug."),
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="call_closes_after_opening",
                violation_error_message=_("A call closes after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(min_population__isnull=True)
                | Q(max_population__isnull=True)
                | Q(max_population__gte=F("min_population")),
                name="call_population_range",
                violation_error_message=_(
                    "The largest population is at least the smallest population."
                ),
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "twinning:call_detail", kwargs={"slug": self.edition.slug, "call": self.slug}
        )

    def is_open_at(self, moment) -> bool:
        return self.opens_at <= moment < self.closes_at

    def in_zone(self, moment) -> str:
        """``moment`` as a date and time of the call's zone, with the zone named."""
        local = timezone.localtime(moment, zoneinfo.ZoneInfo(self.time_zone))
        return f"{date_format(local, 'DATETIME_FORMAT')} ({self.time_zone})"

    @property
    def opens_in_zone(self) -> str:
        return self.in_zone(self.opens_at)

    @property
    def closes_in_zone(self) -> str:
        return self.in_zone(self.closes_at)


class CallQuestion(models.Model):
    """A question every application of the call answers."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="questions"
    )
    text = models.CharField(_("question"), max_length=500)
    help_text = models.CharField(_("guidance"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    max_length = models.PositiveIntegerField(
        _("longest answer (characters)"), default=3000, validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["call", "order", "id"]

    def __str__(self):
        return self.text


class CallDocument(models.Model):
    """A document the call asks for (a letter of support from the mayor, …): a PDF."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="documents_required"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("document required")
        verbose_name_plural = _("documents required")
        ordering = ["call", "order", "id"]

    def __str__(self):
        return self.name


class ReviewCriterion(models.Model):
    """What reviewers score each application on, from 0 to ``scale_max``; the weights make
    the aggregate."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="criteria"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("review criterion")
        verbose_name_plural = _("review criteria")
        ordering = ["call", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0),
                name="criterion_weight_not_negative",
                violation_error_message=_("A weight is zero or more."),
            ),
            models.CheckConstraint(
                condition=Q(scale_max__gte=1),
                name="criterion_scale_at_least_one",
                violation_error_message=_("The highest score is at least 1."),
            ),
        ]

    def __str__(self):
        return self.name


class CallInvitation(models.Model):
    """A person staff invited to apply for a city that had no account: the invitation made
    them an account (a delegate of the city) and e-mailed them a link to set a password."""

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, related_name="invitations"
    )
    city = models.ForeignKey(
        "cities.City", verbose_name=_("city"), on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("e-mail address"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="call_invitations",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)

    class Meta:
        verbose_name = _("invitation to apply")
        verbose_name_plural = _("invitations to apply")
        ordering = ["call", "-invited_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "email"],
                name="call_invitation_once",
                violation_error_message=_("This address was already invited to this call."),
            )
        ]

    def __str__(self):
        return f"{self.city} ({self.call})"


class Application(models.Model):
    """A city's expression of interest in a call: filled in over several sittings (a draft),
    submitted before the deadline, possibly withdrawn; staff record the decision."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Decision(models.TextChoices):
        SELECTED = "selected", _("Selected")
        RESERVE = "reserve", _("Reserve list")
        NOT_SELECTED = "not_selected", _("Not selected")

    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    thematic_areas = models.ManyToManyField(
        "cities.ThematicArea",
        verbose_name=_("thematic areas"),
        blank=True,
        related_name="applications",
    )
    topics = models.ManyToManyField(
        "cities.Topic", verbose_name=_("topics"), blank=True, related_name="applications"
    )
    goals = models.TextField(
        _("goals"),
        max_length=5000,
        blank=True,
        help_text=_("What the city wants to achieve through the exchange."),
    )
    experience = models.TextField(
        _("experience"),
        max_length=5000,
        blank=True,
        help_text=_("What the city has done in these areas and can share."),
    )
    delegation = models.TextField(
        _("proposed delegation"),
        max_length=3000,
        blank=True,
        help_text=_("Who would take part in the exchange: one person a line, with position."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last saved"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True, editable=False)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=500, blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=Decision.choices, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_sent_at = models.DateTimeField(
        _("decision sent"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the decision was sent to the city; it no longer changes after."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["call", "city__name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", submitted_at__isnull=True)
                | Q(status="submitted", submitted_at__isnull=False)
                | Q(status="withdrawn"),
                name="application_submitted_has_time",
                violation_error_message=_("A submitted application has a submission time."),
            ),
            models.CheckConstraint(
                condition=Q(decision="") | Q(status="submitted"),
                name="application_decision_on_submitted",
                violation_error_message=_("Only a submitted application is decided on."),
            ),
        ]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self):
        return f"{self.city} – {self.call}"

    def get_absolute_url(self):
        return reverse(
            "twinning:application_detail",
            kwargs={"slug": self.call.edition.slug, "call": self.call.slug, "pk": self.pk},
        )

    @property
    def reference(self) -> str:
        """The number the city quotes: the call's edition, the call and the application."""
        return f"WC-{self.call_id:03d}-{self.pk:05d}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class ApplicationAnswer(models.Model):
    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="answers",
    )
    question = models.ForeignKey(
        CallQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answers"
    )
    text = models.TextField(_("answer"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["application", "question__order", "question_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "question"],
                name="application_answer_once",
                violation_error_message=_("This question is already answered."),
            )
        ]

    def __str__(self):
        return f"{self.question}: {self.text[:50]}"


class ApplicationPartner(models.Model):
    """An organisation of the city's triple helix (government, research, business, or civil
    society) that takes part in the application."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="partners",
    )
    sector = models.CharField(_("sector"), max_length=20, choices=Organisation.Sector.choices)
    name = models.CharField(_("organisation"), max_length=200)
    role = models.CharField(_("role in the exchange"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("triple-helix partner")
        verbose_name_plural = _("triple-helix partners")
        ordering = ["application", "sector", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "name"],
                name="application_partner_once",
                violation_error_message=_("This organisation is already a partner."),
            )
        ]

    def __str__(self):
        return self.name


class ApplicationDocument(models.Model):
    """A PDF the applicant uploaded for one of the call's required documents (checked like
    practice attachments: extension, size and content), stored under a generated name."""

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    required_document = models.ForeignKey(
        CallDocument,
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="uploads",
    )
    file = models.FileField(_("file"), upload_to=application_document_upload_to, max_length=200)
    original_name = models.CharField(max_length=255, editable=False)
    size = models.PositiveIntegerField(default=0, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("application document")
        verbose_name_plural = _("application documents")
        ordering = ["application", "required_document__order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "required_document"],
                name="application_document_once",
                violation_error_message=_("This document is already uploaded."),
            )
        ]

    def __str__(self):
        return self.original_name


class ReviewAssignment(models.Model):
    """A reviewer (a coordinator or an expert) asked to review one application: they first
    declare whether they have a conflict of interest, then score every criterion."""

    class State(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        CONFLICT = "conflict", _("Conflict of interest declared")
        IN_PROGRESS = "in_progress", _("Scoring")
        SUBMITTED = "submitted", _("Review submitted")

    application = models.ForeignKey(
        Application,
        verbose_name=_("application"),
        on_delete=models.CASCADE,
        related_name="review_assignments",
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewer"),
        on_delete=models.PROTECT,
        related_name="review_assignments",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.ASSIGNED
    )
    conflict_of_interest = models.BooleanField(
        _("conflict of interest"),
        null=True,
        blank=True,
        help_text=_("Empty until the reviewer declares; yes withdraws them from this review."),
    )
    conflict_note = models.CharField(_("about the conflict"), max_length=500, blank=True)
    conflict_declared_at = models.DateTimeField(_("declared"), null=True, blank=True)
    comment = models.TextField(_("overall comment"), blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("review submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["application", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"],
                name="review_assignment_once",
                violation_error_message=_("This reviewer is already assigned to the application."),
            ),
            models.CheckConstraint(
                condition=~Q(state="conflict") | Q(conflict_of_interest=True),
                name="review_conflict_state_declared",
                violation_error_message=_(
                    "A conflict of interest is declared before it stops a review."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} – {self.application}"


class Score(models.Model):
    """A reviewer's score of one criterion, from 0 to the criterion's highest score."""

    assignment = models.ForeignKey(
        ReviewAssignment,
        verbose_name=_("review"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    criterion = models.ForeignKey(
        ReviewCriterion,
        verbose_name=_("criterion"),
        on_delete=models.CASCADE,
        related_name="scores",
    )
    value = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["assignment", "criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "criterion"],
                name="score_once_per_criterion",
                violation_error_message=_("This criterion is already scored in this review."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="score_not_negative",
                violation_error_message=_("A score is zero or more."),
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.value}"

    def clean(self):
        super().clean()
        criterion = _related_or_none(self, "criterion")
        if criterion is not None and self.value is not None and self.value > criterion.scale_max:
            raise ValidationError(
                {
                    "value": _("A score for “%(criterion)s” is between 0 and %(max)s.")
                    % {"criterion": criterion.name, "max": criterion.scale_max}
                }
            )
        assignment = _related_or_none(self, "assignment")
        if (
            assignment is not None
            and criterion is not None
            and assignment.application.call_id != criterion.call_id
        ):
            raise ValidationError({"criterion": _("This criterion belongs to another call.")})


class MatchDecision(models.Model):
    """What staff or a coordinator decided about one suggested pairing of an edition: pinned
    (the whole-edition assignment keeps it) or excluded (never suggested). A city is pinned
    to one city of the other side at most."""

    class Kind(models.TextChoices):
        PINNED = "pinned", _("Pinned")
        EXCLUDED = "excluded", _("Excluded")

    edition = models.ForeignKey(
        Edition,
        verbose_name=_("edition"),
        on_delete=models.CASCADE,
        related_name="match_decisions",
    )
    eu_city = models.ForeignKey(
        "cities.City",
        verbose_name=_("EU city"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    partner_city = models.ForeignKey(
        "cities.City",
        verbose_name=_("partner city"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    kind = models.CharField(_("decision"), max_length=10, choices=Kind.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        verbose_name = _("matchmaking decision")
        verbose_name_plural = _("matchmaking decisions")
        ordering = ["edition", "kind", "eu_city__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "eu_city", "partner_city"],
                name="match_decision_once_per_pair",
                violation_error_message=_("This pair already has a decision."),
            ),
            models.UniqueConstraint(
                fields=["edition", "eu_city"],
                condition=Q(kind="pinned"),
                name="match_pin_once_per_eu_city",
                violation_error_message=_("This EU city is already pinned to another city."),
            ),
            models.UniqueConstraint(
                fields=["edition", "partner_city"],
                condition=Q(kind="pinned"),
                name="match_pin_once_per_partner_city",
                violation_error_message=_("This partner city is already pinned to another city."),
            ),
        ]

    def __str__(self):
        return f"{self.eu_city} – {self.partner_city}: {self.get_kind_display()}"


# --- Outcomes -----------------------------------------------------------------------------------
OUTCOME_QUANTITY_MESSAGE = _("Say how many: a whole number of at least 1.")
OUTCOME_AMOUNT_MESSAGE = _("An amount is zero or more, with a currency.")
OUTCOME_EVIDENCE_MESSAGE = _("Give evidence: a link to it or a file.")


def outcome_evidence_upload_to(instance, filename: str) -> str:
    """A random name that keeps only the (already checked) extension."""
    extension = PurePath(filename).suffix.lower()[:10]
    return f"pairings/outcomes/{uuid.uuid4().hex}{extension}"


class Outcome(models.Model):
    """Something a pairing achieved that can be counted: jobs created, a contract or an
    investment, a pilot launched, follow-up funding obtained. Recorded by a delegate of one of
    its cities or a coordinator, with a date, a source and evidence; it counts in the
    programme's figures only once a coordinator of the edition checked it.

    It belongs to a pairing and, if it came from one, to an action of its plan; it happened in
    one of the pairing's cities (which gives its country). An outcome that came from a
    triple-helix opportunity will link to it the same way, through one more nullable foreign
    key."""

    class Kind(models.TextChoices):
        JOBS = "jobs", _("Jobs created")
        CONTRACT = "contract", _("Contract or investment")
        PILOT = "pilot", _("Pilot launched")
        FUNDING = "funding", _("Follow-up funding obtained")
        AGREEMENT = "agreement", _("Agreement or memorandum signed")
        OTHER = "other", _("Other")

    # What each kind must say, besides its title, date, source and evidence.
    NEEDS_QUANTITY = {Kind.JOBS, Kind.PILOT}
    NEEDS_AMOUNT = {Kind.CONTRACT, Kind.FUNDING}
    NEEDS_FUNDER = {Kind.FUNDING}

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="outcomes"
    )
    action = models.ForeignKey(
        Action,
        verbose_name=_("action"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text=_("The action of the plan it came from, if any."),
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city"),
        on_delete=models.PROTECT,
        related_name="outcomes",
        help_text=_("The member city where it happened."),
    )
    opportunity = models.ForeignKey(
        "cities.Opportunity",
        verbose_name=_("opportunity"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="outcomes",
        help_text=_("The triple-helix opportunity it came from, if any."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(
        _("what"),
        max_length=200,
        help_text=_("In a few words: “40 jobs at the new bus depot”, “Hydrogen bus pilot”."),
    )
    description = models.TextField(_("details"), max_length=4000, blank=True)
    quantity = models.PositiveIntegerField(
        _("how many"),
        null=True,
        blank=True,
        help_text=_("Jobs created or pilots launched."),
    )
    amount = models.DecimalField(
        _("amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=OUTCOME_AMOUNT_MESSAGE)],
        help_text=_("Of a contract, an investment or funding, in the currency below."),
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        blank=True,
        validators=[validate_currency],
        help_text=_("ISO 4217 code, such as EUR or KRW. Amounts are never converted."),
    )
    funder = models.CharField(
        _("funder"),
        max_length=200,
        blank=True,
        help_text=_("Who granted follow-up funding."),
    )
    achieved_on = models.DateField(_("date"))
    source = models.CharField(
        _("source"),
        max_length=300,
        help_text=_("Where the figure comes from: a report, a contract, a press release."),
    )
    evidence_url = models.URLField(
        _("evidence (link)"),
        max_length=500,
        blank=True,
        validators=[URLValidator(schemes=["http", "https"])],
    )
    evidence_file = models.FileField(
        _("evidence (file)"), upload_to=outcome_evidence_upload_to, max_length=200, blank=True
    )
    evidence_name = models.CharField(max_length=255, blank=True, editable=False)
    evidence_content_type = models.CharField(max_length=100, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, db_index=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        ordering = ["-achieved_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="outcome_amount_not_negative",
                violation_error_message=OUTCOME_AMOUNT_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True, currency="")
                | (Q(amount__isnull=False) & Q(currency__in=sorted(ISO_4217))),
                name="outcome_amount_with_known_currency",
                violation_error_message=CURRENCY_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["jobs", "pilot"]) | Q(quantity__gte=1),
                name="outcome_counts_have_quantity",
                violation_error_message=OUTCOME_QUANTITY_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["contract", "funding"]) | Q(amount__isnull=False),
                name="outcome_money_has_amount",
                violation_error_message=OUTCOME_AMOUNT_MESSAGE,
            ),
            models.CheckConstraint(
                condition=~Q(evidence_url="") | ~Q(evidence_file=""),
                name="outcome_has_evidence",
                violation_error_message=OUTCOME_EVIDENCE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(checked_by__isnull=True) | Q(checked_at__isnull=False),
                name="outcome_checked_with_time",
            ),
        ]
        indexes = [models.Index(fields=["pairing", "checked_at"])]

    def __str__(self):
        return self.title

    @property
    def is_checked(self) -> bool:
        return self.checked_at is not None

    def clean(self):
        super().clean()
        errors = {}
        if self.kind in self.NEEDS_QUANTITY and not self.quantity:
            errors["quantity"] = OUTCOME_QUANTITY_MESSAGE
        if self.kind in self.NEEDS_AMOUNT and self.amount is None:
            errors["amount"] = _("Give the amount, in its currency.")
        if self.amount is not None and not self.currency:
            errors["currency"] = _("Give the currency of the amount.")
        if self.currency and self.amount is None and "amount" not in errors:
            errors["amount"] = _("Give the amount in %(currency)s, or no currency.") % {
                "currency": self.currency
            }
        if self.kind in self.NEEDS_FUNDER and not self.funder.strip():
            errors["funder"] = _("Say who granted the funding.")
        if not self.evidence_url and not self.evidence_file:
            errors["evidence_url"] = OUTCOME_EVIDENCE_MESSAGE
        pairing = _related_or_none(self, "pairing")
        action = _related_or_none(self, "action") if self.action_id else None
        if pairing is not None and action is not None and action.pairing_id != pairing.pk:
            errors["action"] = _("This action is not in this pairing's plan.")
        if pairing is not None and self.city_id and self.city_id not in pairing.member_city_ids():
            errors["city"] = _("Choose one of the pairing's member cities.")
        opportunity = _related_or_none(self, "opportunity") if self.opportunity_id else None
        if (
            pairing is not None
            and opportunity is not None
            and opportunity.city_id not in pairing.member_city_ids()
        ):
            errors["opportunity"] = _(
                "This opportunity was not posted in one of the pairing's cities."
            )
        edition = _related_or_none(pairing, "edition") if pairing is not None else None
        if edition is not None and self.achieved_on and self.achieved_on < edition.start_date:
            errors["achieved_on"] = _(
                "The date lies before the edition starts (%(start)s): an outcome of the "
                "exchange comes after it began."
            ) % {"start": date_format(edition.start_date)}
        if errors:
            raise ValidationError(errors)


# --- Workspaces and the community -----------------------------------------------------------
class Thread(models.Model):
    """A discussion: in a pairing's workspace (its members, their coordinators and staff) or in
    the community space of a thematic area (every delegate, coordinator and staff member).
    Exactly one of the two. Its first message opens it; the others are replies."""

    pairing = models.ForeignKey(
        Pairing,
        verbose_name=_("pairing"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="threads",
    )
    thematic_area = models.ForeignKey(
        "cities.ThematicArea",
        verbose_name=_("thematic area"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="threads",
    )
    title = models.CharField(_("title"), max_length=200)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)
    last_posted_at = models.DateTimeField(_("last message"), auto_now_add=True)
    message_count = models.PositiveIntegerField(_("messages"), default=0)

    class Meta:
        verbose_name = _("discussion thread")
        verbose_name_plural = _("discussion threads")
        ordering = ["-last_posted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(pairing__isnull=False) & Q(thematic_area__isnull=True))
                | (Q(pairing__isnull=True) & Q(thematic_area__isnull=False)),
                name="thread_in_one_space",
                violation_error_message=_(
                    "A thread belongs to a pairing's workspace or to a thematic area, not both."
                ),
            )
        ]
        indexes = [
            models.Index(
                fields=["pairing", "-last_posted_at", "-id"], name="thread_pairing_recent"
            ),
            models.Index(
                fields=["thematic_area", "-last_posted_at", "-id"], name="thread_area_recent"
            ),
            models.Index(fields=["pairing", "-created_at"], name="thread_pairing_started"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        if self.pairing_id:
            return reverse(
                "twinning:thread_detail",
                kwargs={"slug": self.pairing.slug, "thread_pk": self.pk},
            )
        return reverse(
            "twinning:community_thread",
            kwargs={"area": self.thematic_area.slug, "thread_pk": self.pk},
        )


class Message(models.Model):
    """One message of a thread, in Markdown, kept with its sanitised HTML."""

    thread = models.ForeignKey(
        Thread, verbose_name=_("thread"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    body = models.TextField(_("message"), max_length=10000)
    body_html = models.TextField(editable=False)
    mentions = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mentioned"),
        blank=True,
        related_name="mentioned_in",
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["thread", "id"]
        indexes = [models.Index(fields=["thread", "id"], name="message_thread_order")]

    def __str__(self):
        return f"{self.thread}: {self.body[:60]}"


class ThreadRead(models.Model):
    """How far a person has read a thread: the last message they saw."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="thread_reads"
    )
    last_read_message_id = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("read marker")
        verbose_name_plural = _("read markers")
        constraints = [
            models.UniqueConstraint(fields=["user", "thread"], name="thread_read_once"),
        ]

    def __str__(self):
        return f"{self.user} → {self.thread}"


def document_upload_to(instance, filename: str) -> str:
    """A generated name: the original name is kept on the row, never trusted as a path."""
    import uuid
    from pathlib import PurePath

    extension = PurePath(filename).suffix.lower()
    return f"workspaces/{instance.document.pairing_id}/{uuid.uuid4().hex}{extension}"


class Document(models.Model):
    """A document of a pairing's shared library. Each upload is a version; a new version
    leaves the earlier ones downloadable."""

    pairing = models.ForeignKey(
        Pairing, verbose_name=_("pairing"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.CharField(_("description"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last version"), auto_now_add=True)
    latest_version = models.ForeignKey(
        "DocumentVersion",
        verbose_name=_("latest version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("workspace document")
        verbose_name_plural = _("workspace documents")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["pairing", "-updated_at", "-id"], name="document_pairing_recent")
        ]

    def __str__(self):
        return self.title


class DocumentVersion(models.Model):
    document = models.ForeignKey(
        Document, verbose_name=_("document"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveIntegerField(_("size"), default=0, editable=False)
    note = models.CharField(_("what changed"), max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("document version")
        verbose_name_plural = _("document versions")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="document_version_once",
                violation_error_message=_("This version of the document exists already."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="document_version_from_one"),
        ]

    def __str__(self):
        return f"{self.document} v{self.number}"

    def get_absolute_url(self):
        return reverse(
            "twinning:document_download",
            kwargs={
                "slug": self.document.pairing.slug,
                "document_pk": self.document_id,
                "number": self.number,
            },
        )
