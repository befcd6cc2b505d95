from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from worldcities import textsearch

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
