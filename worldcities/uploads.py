"""Upload checks: size, extension, and that the content really is what the extension says
(magic bytes; for office documents, the parts inside the zip)."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_ATTACHMENT_SIZE = 10 * 1024 * 1024
MAX_COVER_SIZE = 5 * 1024 * 1024

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class Kind:
    content_type: str
    check: str  # how the content is recognised


KINDS = {
    "pdf": Kind("application/pdf", "pdf"),
    "png": Kind("image/png", "png"),
    "jpg": Kind("image/jpeg", "jpeg"),
    "jpeg": Kind("image/jpeg", "jpeg"),
    "gif": Kind("image/gif", "gif"),
    "webp": Kind("image/webp", "webp"),
    "docx": Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "ooxml:word/"
    ),
    "xlsx": Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "ooxml:xl/"),
    "pptx": Kind(
        "application/vnd.openxmlformats-officedocument.presentationml.presentation", "ooxml:ppt/"
    ),
    "odt": Kind("application/vnd.oasis.opendocument.text", "odf"),
    "ods": Kind("application/vnd.oasis.opendocument.spreadsheet", "odf"),
    "odp": Kind("application/vnd.oasis.opendocument.presentation", "odf"),
    "doc": Kind("application/msword", "ole"),
    "xls": Kind("application/vnd.ms-excel", "ole"),
    "ppt": Kind("application/vnd.ms-powerpoint", "ole"),
}
ATTACHMENT_EXTENSIONS = tuple(KINDS)
COVER_EXTENSIONS = ("png", "jpg", "jpeg", "gif", "webp")


def _content_matches(upload, kind: Kind) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    check = kind.check
    if check == "pdf":
        return head.startswith(b"%PDF-")
    if check == "png":
        return head.startswith(b"\x89PNG\r\n\x1a\n")
    if check == "jpeg":
        return head.startswith(b"\xff\xd8\xff")
    if check == "gif":
        return head[:6] in (b"GIF87a", b"GIF89a")
    if check == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if check == "ole":
        return head.startswith(OLE)
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
            if check == "odf":
                mimetype = archive.read("mimetype").decode("ascii", "replace").strip()
                return mimetype == kind.content_type
            folder = check.removeprefix("ooxml:")
            return "[Content_Types].xml" in names and any(n.startswith(folder) for n in names)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def validate_upload(upload, *, allowed: tuple[str, ...], max_size: int) -> str:
    """Checks an uploaded file and returns its content type, or raises ValidationError with
    a message for the person who uploaded it."""
    if upload.size > max_size:
        raise ValidationError(
            _("This file is %(size)s; the limit is %(limit)s."),
            code="too_large",
            params={"size": filesizeformat(upload.size), "limit": filesizeformat(max_size)},
        )
    extension = PurePath(upload.name or "").suffix.lower().lstrip(".")
    if extension not in allowed:
        raise ValidationError(
            _("Files of type “.%(extension)s” are not accepted. Accepted: %(allowed)s."),
            code="bad_extension",
            params={"extension": extension or "?", "allowed": ", ".join(allowed)},
        )
    kind = KINDS[extension]
    if not _content_matches(upload, kind):
        raise ValidationError(
            _("The content of this file is not a real .%(extension)s file."),
            code="bad_content",
            params={"extension": extension},
        )
    return kind.content_type
