from django.db import models
from django.utils.translation import gettext_lazy as _


class Download(models.Model):
    """The last build of one file of the bulk downloads: what the open-data page and the
    catalogue say of it. The file itself is in ``settings.OPEN_DATA_ROOT``."""

    resource = models.CharField(_("resource"), max_length=40)
    format = models.CharField(_("format"), max_length=10)
    rows = models.PositiveIntegerField(_("rows"))
    size = models.PositiveBigIntegerField(_("size in bytes"))
    built_at = models.DateTimeField(_("built at"))
    seconds = models.FloatField(_("build time in seconds"), default=0)

    class Meta:
        verbose_name = _("open-data file")
        verbose_name_plural = _("open-data files")
        ordering = ["resource", "format"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "format"], name="opendata_one_per_format")
        ]

    def __str__(self):
        return f"{self.resource}.{self.format}"

    @property
    def filename(self) -> str:
        return f"{self.resource}.{self.format}"
