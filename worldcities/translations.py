"""What every translation of a row's text holds, whatever the row (a practice, a meeting):
the language it is in, who wrote it (or whether machine translation drafted it), and whether a
person checked it since."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _person(verbose_name):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )


class Translation(models.Model):
    """A row's text in another language than its own; an edit clears the check (the
    services that write it say so)."""

    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    written_by = _person(_("written by"))
    checked_by = _person(_("checked by"))
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True, editable=False)
    machine = models.BooleanField(
        _("machine translation"),
        default=False,
        editable=False,
        help_text=_("Drafted by machine translation and not edited since."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True
        verbose_name = _("translation")
        verbose_name_plural = _("translations")
        ordering = ["language"]
