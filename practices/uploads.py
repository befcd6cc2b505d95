"""The practices' upload checks, which are the platform's (``worldcities.uploads``): other
apps check their files the same way."""

from worldcities.uploads import (  # noqa: F401
    ATTACHMENT_EXTENSIONS,
    COVER_EXTENSIONS,
    KINDS,
    MAX_ATTACHMENT_SIZE,
    MAX_COVER_SIZE,
    validate_upload,
)
