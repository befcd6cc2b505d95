"""The upload checks of practice files: those of the platform (``worldcities.uploads``),
which the pairing workspaces' documents share."""

from worldcities.uploads import (  # noqa: F401
    ATTACHMENT_EXTENSIONS,
    COVER_EXTENSIONS,
    KINDS,
    MAX_ATTACHMENT_SIZE,
    MAX_COVER_SIZE,
    validate_upload,
)
