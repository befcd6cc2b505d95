import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from practices.uploads import ATTACHMENT_EXTENSIONS, validate_upload

from .conftest import PDF, PNG


def _zip(members: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})


def check(name, data, max_size=10_000):
    return validate_upload(
        SimpleUploadedFile(name, data), allowed=ATTACHMENT_EXTENSIONS, max_size=max_size
    )


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("report.pdf", PDF, "application/pdf"),
        ("photo.PNG", PNG, "image/png"),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
        (
            "plan.docx",
            DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        ("plan.odt", ODT, "application/vnd.oasis.opendocument.text"),
    ],
)
def test_accepted_files_give_their_content_type(name, data, content_type):
    assert check(name, data) == content_type


def test_oversize_is_refused():
    with pytest.raises(ValidationError) as error:
        check("big.pdf", PDF + b"0" * 20_000)
    assert error.value.code == "too_large"


@pytest.mark.parametrize("name", ["page.html", "tool.exe", "image.svg", "noextension"])
def test_wrong_type_is_refused(name):
    with pytest.raises(ValidationError) as error:
        check(name, b"<html><script>alert(1)</script></html>")
    assert error.value.code == "bad_extension"


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("report.pdf", b"<html><script>alert(1)</script></html>"),
        ("photo.png", PDF),
        ("plan.docx", _zip({"evil.html": "<script></script>"})),
        ("plan.docx", _zip({"[Content_Types].xml": "<T/>", "xl/workbook.xml": "<x/>"})),
        ("plan.odt", _zip({"mimetype": "text/html"})),
        ("sheet.xls", PDF),
    ],
)
def test_disguised_type_is_refused(name, data):
    with pytest.raises(ValidationError) as error:
        check(name, data)
    assert error.value.code == "bad_content"
