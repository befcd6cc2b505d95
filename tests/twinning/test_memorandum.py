import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.twinning.factories import PairingFactory


@pytest.mark.django_db
def test_the_memorandum_is_a_download_for_everyone(client):
    pairing = PairingFactory()
    pairing.mou_document.save("signed.pdf", SimpleUploadedFile("signed.pdf", b"%PDF-1.4 signed"))
    page = client.get(pairing.get_absolute_url()).content.decode()
    url = f"/pairings/{pairing.slug}/memorandum/"
    assert f'href="{url}"' in page
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="{pairing.slug}-memorandum.pdf"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"%PDF-1.4 signed"


@pytest.mark.django_db
def test_no_memorandum_is_a_404(client):
    assert client.get(f"/pairings/{PairingFactory().slug}/memorandum/").status_code == 404


@pytest.mark.django_db
def test_a_memorandum_of_another_type_is_refused(programme_staff):
    from django.core.exceptions import ValidationError

    pairing = PairingFactory()
    pairing.mou_document = SimpleUploadedFile("page.html", b"<script>alert(1)</script>")
    with pytest.raises(ValidationError) as error:
        pairing.full_clean()
    assert "mou_document" in error.value.message_dict
