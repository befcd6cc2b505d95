"""What a practice accepts as attachments and cover images; the checks themselves are the
platform's (``worldcities.uploads``)."""

from worldcities.uploads import ATTACHMENT_EXTENSIONS, MAX_ATTACHMENT_SIZE, validate_upload

MAX_COVER_SIZE = 5 * 1024 * 1024
COVER_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "COVER_EXTENSIONS",
    "MAX_ATTACHMENT_SIZE",
    "MAX_COVER_SIZE",
    "validate_upload",
]
