"""Photos: wrong type and oversized are refused; GPS and other EXIF never reach storage."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from deliberation.exceptions import InvalidInput
from deliberation.models import ProposalPhoto
from deliberation.services import proposals as services
from tests.proposals.conftest import make_proposal

pytestmark = pytest.mark.django_db

GPS_IFD = 0x8825


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: the phone was turned
    exif[GPS_IFD] = {1: "N", 2: (51.0, 28.0, 40.0), 3: "W", 4: (3.0, 10.0, 55.0)}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(data: bytes, name: str = "photo.jpg", content_type: str = "image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)


def test_gps_and_other_exif_are_stripped(forum, cast):
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(GPS_IFD)  # the fixture has GPS
    proposal = make_proposal(
        forum,
        cast["participant"],
        photos=[services.PhotoInput(file=upload(data), description="Our bus stop")],
    )
    photo = ProposalPhoto.objects.get(proposal=proposal)
    with photo.image.open("rb") as stored:
        raw = stored.read()
    stored_image = Image.open(io.BytesIO(raw))
    assert dict(stored_image.getexif()) == {}
    assert b"Exif" not in raw and b"PhoneMaker" not in raw
    # Turned upright from the EXIF orientation before it was dropped.
    assert stored_image.size == (48, 64) == (photo.width, photo.height)
    assert not photo.image.name.endswith("photo.jpg")  # a random name, not the phone's


def test_png_keeps_no_text_chunks(forum, cast):
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret place")
    out = io.BytesIO()
    Image.new("RGBA", (10, 10)).save(out, "PNG", pnginfo=info)
    proposal = make_proposal(
        forum,
        cast["participant"],
        photos=[services.PhotoInput(file=upload(out.getvalue(), "a.png"), description="A square")],
    )
    with proposal.photos.get().image.open("rb") as stored:
        assert b"secret place" not in stored.read()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"GIF89a" + b"\x00" * 100, "anim.gif"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>", "x.svg"),
        (b"%PDF-1.4 not a photo", "doc.pdf"),
        (b"\xff\xd8\xff\xe0 broken jpeg", "broken.jpg"),
    ],
)
def test_wrong_types_are_refused(forum, cast, data, name):
    if name == "anim.gif":
        out = io.BytesIO()
        Image.new("RGB", (4, 4)).save(out, "GIF")
        data = out.getvalue()
    with pytest.raises(InvalidInput, match="JPEG, PNG or WebP"):
        make_proposal(
            forum,
            cast["participant"],
            photos=[services.PhotoInput(file=upload(data, name), description="x")],
        )
    assert not ProposalPhoto.objects.exists()


def test_oversized_is_refused(forum, cast, settings):
    settings.PROPOSAL_PHOTO_MAX_BYTES = 1000
    data = jpeg_with_gps() + b"\x00" * 2000
    with pytest.raises(InvalidInput, match="too big"):
        make_proposal(
            forum,
            cast["participant"],
            photos=[services.PhotoInput(file=upload(data), description="x")],
        )


def test_the_form_refuses_a_wrong_type_in_plain_words(forum, cast, browser_for):
    client = browser_for(cast["participant"])
    response = client.post(
        reverse("deliberation:proposal_new", args=[forum.slug]),
        {
            "title": "Photo idea",
            "summary": "Look at this.",
            "symbol": "idea",
            "photo": upload(b"not an image", "x.jpg"),
            "photo_description": "Something",
        },
    )
    assert response.status_code == 400
    assert "JPEG, PNG or WebP" in response.content.decode()


def test_photos_are_served_to_members_only(forum, cast, browser_for, client):
    proposal = make_proposal(
        forum,
        cast["participant"],
        photos=[services.PhotoInput(file=upload(jpeg_with_gps()), description="Stop")],
    )
    url = reverse("deliberation:proposal_photo", args=[forum.slug, proposal.photos.get().pk])
    response = browser_for(cast["observer"]).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert client.get(url).status_code == 403
    assert browser_for(cast["outsider"]).get(url).status_code == 403
