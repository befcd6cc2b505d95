"""What the platform tells people: notifications shown in the site, and e-mails in an outbox.

Both carry a unique key (kind, subject object, recipient, occasion), written in the same
transaction as the change that causes them, so that nothing is sent twice and nothing is lost:
a task that sends an e-mail only sends a row that is still pending, and a periodic sweep picks
up pending rows whose task never ran."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    PRACTICE_QUESTION = "practice_question", _("A question on one of my city's practices")
    PRACTICE_PUBLISHED = (
        "practice_published",
        _("A practice I follow, or of a theme I follow, is published"),
    )
    PRACTICE_REVIEW = "practice_review", _("Practices waiting for my review")
    PRACTICE_RETURNED = "practice_returned", _("My city's practice is returned or published")
    REGISTRATION = "registration", _("My meeting registration is confirmed or promoted")
    MEETING_REMINDER = "meeting_reminder", _("Reminders of meetings I registered for")
    INVITATION = "invitation", _("Invitations to meetings")
    EVALUATION = "evaluation", _("Requests to evaluate a meeting")
    ACTION_DUE = "action_due", _("Actions I own that are due soon or overdue")
    MEETING_CHANGED = "meeting_changed", _("Changes to meetings I registered for")
    REPORT_READY = "report_ready", _("A report I asked for is ready")
    DIRECT_MESSAGE = "direct_message", _("A message sent to me from the directory of people")
    OPPORTUNITY_MATCH = (
        "opportunity_match",
        _("A triple-helix opportunity matching my interests is published"),
    )
    OPPORTUNITY_ANSWER = (
        "opportunity_answer",
        _("An answer to my opportunity, or the confirmation that we are in touch"),
    )
    APPLICATION_DECISION = "application_decision", _("The decision on my city's application")
    REVIEW_ASSIGNED = "review_assigned", _("An application I am asked to review")
    OUTCOME_RECORDED = "outcome_recorded", _("Outcomes of my editions' pairings to check")
    WORKSPACE_THREAD = "workspace_thread", _("A new thread in my pairing's workspace")
    DISCUSSION_REPLY = "discussion_reply", _("A reply in a discussion I take part in")
    MENTION = "mention", _("Someone mentions me in a discussion")
    DOCUMENT_VERSION = (
        "document_version",
        _("A new document or a new version of one in my pairing's workspace"),
    )


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("E-mail at once")
    DAILY = "daily", _("Daily digest")
    WEEKLY = "weekly", _("Weekly digest")
    OFF = "off", _("No e-mail (only on the site)")


# How a kind is delivered to someone who has not chosen: an e-mail at once, except where many
# notices may come at a time (opportunities matching one's interests: gathered in the daily
# digest).
DEFAULT_DELIVERY = {Kind.OPPORTUNITY_MATCH: Delivery.DAILY}


def default_delivery(kind: str) -> str:
    return DEFAULT_DELIVERY.get(kind, Delivery.IMMEDIATE)


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    delivery = models.CharField(
        _("delivery"), max_length=20, choices=Delivery.choices, default=Delivery.IMMEDIATE
    )

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_once")
        ]

    def __str__(self):
        return f"{self.user}: {self.kind} → {self.delivery}"


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    occasion = models.CharField(
        _("occasion"),
        max_length=100,
        blank=True,
        help_text=_(
            "Tells apart two notices of one kind on one object (e.g. 14 or 2 days before)."
        ),
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    delivery = models.CharField(_("delivery"), max_length=20, choices=Delivery.choices)
    email = models.ForeignKey(
        "EmailMessage",
        verbose_name=_("e-mail"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("The e-mail (immediate or digest) that carried this notification."),
    )

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "recipient", "occasion"],
                name="notification_once",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            models.Index(fields=["delivery", "email"], name="notification_digest_idx"),
        ]

    def __str__(self):
        return self.title


class EmailMessage(models.Model):
    """One e-mail in the outbox. Its key is unique: the same e-mail is never queued twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be sent")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        UNCERTAIN = "uncertain", _("Perhaps sent: its sending was interrupted")

    key = models.CharField(_("key"), max_length=300, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    text = models.TextField(_("plain text"))
    html = models.TextField(_("HTML"), blank=True)
    attachments = models.JSONField(
        _("attachments"),
        default=list,
        blank=True,
        help_text=_("filename, mimetype, base64 content"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def message_id(self) -> str:
        """The same for every attempt at sending this e-mail, so that a copy sent again after
        an interrupted attempt can be recognised (and dropped) by mail systems."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].rstrip(">").strip() or "localhost"
        return f"<outbox-{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{domain}>"
