import zoneinfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def validate_time_zone(value: str) -> None:
    if value and value not in zoneinfo.available_timezones():
        raise ValidationError(_("“%(value)s” is not a known time zone."), params={"value": value})


class Role(models.TextChoices):
    PROGRAMME_STAFF = "programme_staff", _("Programme staff (DG REGIO)")
    COORDINATOR = "coordinator", _("Coordinator")
    DELEGATE = "delegate", _("City delegate")
    EXPERT = "expert", _("Outside expert (reviews applications to calls)")


# Languages people may say they speak in the directory of people: the EU's official languages
# and those of the partner countries (more than the interface speaks).
SPOKEN_LANGUAGES = [
    ("bg", _("Bulgarian")),
    ("cs", _("Czech")),
    ("da", _("Danish")),
    ("de", _("German")),
    ("el", _("Greek")),
    ("en", _("English")),
    ("es", _("Spanish")),
    ("et", _("Estonian")),
    ("fi", _("Finnish")),
    ("fr", _("French")),
    ("ga", _("Irish")),
    ("hr", _("Croatian")),
    ("hu", _("Hungarian")),
    ("it", _("Italian")),
    ("lt", _("Lithuanian")),
    ("lv", _("Latvian")),
    ("mt", _("Maltese")),
    ("nl", _("Dutch")),
    ("pl", _("Polish")),
    ("pt", _("Portuguese")),
    ("ro", _("Romanian")),
    ("sk", _("Slovak")),
    ("sl", _("Slovenian")),
    ("sv", _("Swedish")),
    ("ko", _("Korean")),
    ("ja", _("Japanese")),
    ("zh", _("Chinese")),
    ("id", _("Indonesian")),
    ("vi", _("Vietnamese")),
    ("th", _("Thai")),
    ("ms", _("Malay")),
    ("hi", _("Hindi")),
    ("ar", _("Arabic")),
    ("af", _("Afrikaans")),
    ("zu", _("Zulu")),
]


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_superuser"] = True
        extra.setdefault("role", Role.PROGRAMME_STAFF)
        return self._create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with an account. The e-mail address is the login; the role decides what they
    may do (see ``worldcities.users.permissions``)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.DELEGATE)
    organisation = models.ForeignKey(
        "cities.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    city = models.ForeignKey(
        "cities.City",
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("The city a delegate represents."),
    )
    language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=_("Leave empty to use your city's time zone."),
    )
    # The directory of people (``cities``): what others see of this person there.
    in_directory = models.BooleanField(
        _("listed in the directory of people"),
        default=True,
        help_text=_("Untick to leave the directory: nobody finds or contacts you there."),
    )
    show_email = models.BooleanField(
        _("show my e-mail address in the directory"),
        default=False,
        help_text=_("Otherwise people reach you only through the platform's contact form."),
    )
    spoken_languages = ArrayField(
        models.CharField(max_length=10, choices=SPOKEN_LANGUAGES),
        verbose_name=_("languages I speak"),
        default=list,
        blank=True,
    )
    interests = models.ManyToManyField(
        "cities.ThematicArea",
        verbose_name=_("thematic interests"),
        blank=True,
        related_name="interested_people",
        help_text=_("You hear of triple-helix opportunities in these areas."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    # Role, city, organisation and activity changes, for the audit (``worldcities.audit``).
    history = HistoricalRecords(
        excluded_fields=[
            "password",
            "last_login",
            "language",
            "time_zone",
            "in_directory",
            "show_email",
            "spoken_languages",
        ]
    )

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]

    def __str__(self):
        """The name other people see: never the e-mail address, which the person did not
        choose to show (an account without a name shows its role)."""
        return self.full_name or str(self.get_role_display())

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email)
        if self.role == Role.DELEGATE and not self.city_id:
            raise ValidationError({"city": _("A city delegate must belong to a city.")})

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name or self.email).split(" ")[0]

    @property
    def is_staff(self) -> bool:
        """Django's admin opens to programme staff (and technical superusers) only."""
        return self.is_active and (self.role == Role.PROGRAMME_STAFF or self.is_superuser)

    @property
    def spoken_language_names(self) -> list[str]:
        names = dict(SPOKEN_LANGUAGES)
        return [str(names.get(code, code)) for code in self.spoken_languages]

    @property
    def effective_time_zone(self) -> str:
        if self.time_zone:
            return self.time_zone
        if self.city_id and self.city.time_zone:
            return self.city.time_zone
        return settings.TIME_ZONE


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        """Tokens that still open the API: not revoked, not expired."""
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    """A personal token for the read API: with it, the API answers as its owner (read only).
    Only a digest of the secret is kept; the secret itself is shown once, when it is made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        _("name"), max_length=100, help_text=_("What the token is for, e.g. “city dashboard”.")
    )
    prefix = models.CharField(
        _("starts with"), max_length=16, editable=False, help_text=_("To recognise the token.")
    )
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    # Who made and who revoked it, for the audit; never the digest. Its "last used" time is
    # written past the model (``api_token_used``), so the use of a token adds no record.
    history = HistoricalRecords(excluded_fields=["digest", "last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "name"],
                condition=models.Q(revoked_at__isnull=True),
                name="api_token_name_once_per_person",
                violation_error_message=_("You already have a token of that name."),
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()
