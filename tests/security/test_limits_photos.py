"""Photos: a small file with huge dimensions gets a plain error; decoding is bounded."""

import io
import struct
import threading
import zlib
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.urls import reverse
from PIL import Image

from deliberation import photos
from deliberation.exceptions import InvalidInput
from deliberation.models import ProposalPhoto
from deliberation.services import actions as action_services
from deliberation.services import proposals as services
from tests import factories
from tests.proposals.conftest import make_proposal

TOO_BIG = "This photo is too big. Please use a smaller photo."


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def author(forum: Any) -> Any:
    return factories.member(forum, "lived_experience", name="Alice")


def bomb_png(width: int, height: int) -> bytes:
    """A valid black-and-white PNG of these dimensions: all zeros, so a tiny file."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    squeeze = zlib.compressobj(9)
    row = b"\0" * (1 + (width + 7) // 8)  # filter byte, then 1 bit a pixel
    idat = b"".join(squeeze.compress(row) for _ in range(height)) + squeeze.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", idat)
        + chunk(b"IEND", b"")
    )


def small_jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def upload(data: bytes, name: str = "photo.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, data, content_type=content_type)


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    ("width", "height"),
    [(6300, 6300), (30_000, 30_000)],  # 39.7 megapixels, as found; 900 megapixels
)
@pytest.mark.django_db
def test_a_decompression_bomb_gets_the_plain_error(forum, author, width, height):
    data = bomb_png(width, height)
    assert len(data) < 200_000  # a small file
    with pytest.raises(InvalidInput) as refused:
        make_proposal(
            forum,
            author,
            photos=[services.PhotoInput(file=upload(data), description="Our bus stop")],
        )
    assert str(refused.value.message) == TOO_BIG


@pytest.mark.timeout(30)
@pytest.mark.django_db
def test_the_person_sees_the_plain_error_on_the_page(forum, author):
    proposal = make_proposal(forum, author)
    client = Client()
    factories.link_sign_in(client, author)
    response = client.post(
        reverse("deliberation:proposal_action", args=[forum.slug, proposal.pk, "photo"]),
        {"photo": upload(bomb_png(6300, 6300)), "photo_description": "Our bus stop"},
        follow=True,
    )
    assert TOO_BIG in response.content.decode()
    assert not ProposalPhoto.objects.filter(proposal=proposal).exists()


@pytest.mark.django_db
def test_a_big_camera_jpeg_is_still_taken(forum, author):
    # 24 megapixels: decoded at a reduced scale, so within the limit.
    out = io.BytesIO()
    Image.new("RGB", (6000, 4000), (20, 120, 200)).save(out, "JPEG", quality=30)
    proposal = make_proposal(
        forum,
        author,
        photos=[
            services.PhotoInput(
                file=upload(out.getvalue(), "big.jpg", "image/jpeg"), description="Our bus"
            )
        ],
    )
    photo = proposal.photos.get()
    assert max(photo.width, photo.height) == photos.MAX_SIDE


@pytest.mark.django_db(transaction=True)
def test_photos_are_decoded_before_any_transaction(monkeypatch, forum, author, meeting):
    """Decoding can take seconds: no write lock may be held meanwhile."""
    seen: list[bool] = []
    reencode = photos.reencode

    def observed(*args: Any, **kwargs: Any) -> photos.CleanPhoto:
        seen.append(connection.in_atomic_block)
        return reencode(*args, **kwargs)

    monkeypatch.setattr(photos, "reencode", observed)

    def photo() -> services.PhotoInput:
        return services.PhotoInput(file=upload(small_jpeg(), "a.jpg"), description="A bus")

    proposal = make_proposal(forum, author, photos=[photo()])
    services.proposal_photo_add(proposal=proposal, photo=photo(), added_by=author)
    action = factories.action(factories.decision(meeting))
    action_services.action_progress_add(action=action, note="Asked.", photo=photo())
    assert seen == [False, False, False]


@pytest.mark.django_db
def test_at_most_two_photos_are_decoded_at_once(monkeypatch):
    monkeypatch.setattr(photos, "DECODE_WAIT_SECONDS", 0.2)
    held = [photos.DECODES.acquire(timeout=5) for _ in range(2)]  # two decodes running
    try:
        assert held == [True, True]
        with pytest.raises(InvalidInput) as refused:
            photos.reencode(io.BytesIO(small_jpeg()))
        assert "try again" in str(refused.value.message)
    finally:
        for _ in held:
            photos.DECODES.release()
    done = threading.Event()

    def decode() -> None:
        photos.reencode(io.BytesIO(small_jpeg()))
        done.set()

    worker = threading.Thread(target=decode)
    worker.start()
    worker.join(timeout=10)
    assert done.is_set()  # with a slot free, the photo goes through
