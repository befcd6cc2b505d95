"""A draft asked of a provider that answers later (eTranslation): what was asked, the ids
the provider gave each part, and the parts that arrived, until the draft is stored or the
provider reported an error."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DraftRequest(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting for the answer")
        STORED = "stored", _("stored as a translation")
        FAILED = "failed", _("failed")

    kind = models.CharField(_("kind"), max_length=40)
    object_id = models.PositiveBigIntegerField(_("row"))
    source = models.CharField(_("from"), max_length=10)
    target = models.CharField(_("into"), max_length=10, choices=settings.LANGUAGES)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Each part sent on its own (a text, or a piece of a long one): the text it belongs to,
    # and what is sent (dropped once the request is finished).
    parts = models.JSONField(_("parts"), default=list)
    texts = models.JSONField(_("texts sent"), default=list)
    # The provider's id of each part's request, once it was sent (None before).
    request_ids = models.JSONField(_("request ids"), default=list)
    # The translated parts that arrived, by their number ("0", "1", …).
    arrived = models.JSONField(_("arrived"), default=dict)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.WAITING
    )
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("machine translation request")
        verbose_name_plural = _("machine translation requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "target"],
                condition=models.Q(status="waiting"),
                name="draft_request_waiting_once",
            )
        ]

    def __str__(self):
        return f"{self.kind} {self.object_id} → {self.target}"
