"""Photos people attach: check them, then re-encode so no location or other metadata stays."""

import io
import secrets
import threading
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from deliberation.exceptions import InvalidInput

# Pillow format name -> file extension we store.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_SIDE = 1600
# The most pixels we decode. A small file can claim huge dimensions (a "decompression
# bomb": a 40-megapixel PNG of 154 kB took 500 MB and 2.5 s); a phone's 12-megapixel
# photo is well inside. A JPEG is decoded at a reduced scale (its draft mode), so a
# bigger camera photo still fits.
MAX_PIXELS = 16_000_000
# Decoding takes memory and CPU: at most this many at once in a process; another
# photo waits this long for its turn, then the person is asked to try again.
DECODES_AT_ONCE = 2
DECODE_WAIT_SECONDS = 20.0
DECODES = threading.BoundedSemaphore(DECODES_AT_ONCE)
# A photo's description, for people who cannot see it: a few words.
DESCRIPTION_MAX = 200


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    extension: str
    width: int
    height: int


def describe(text: str) -> str:
    """Return a photo's description on one line; refuse none, or one too long."""
    description = " ".join(text.split())
    if not description:
        raise InvalidInput(_("Please say in a few words what the photo shows."))
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(_("Please say what the photo shows in fewer words."))
    return description


def stored_name(folder: str, forum_id: int, filename: str) -> str:
    """Name a photo's file at random, under its forum: the name a phone gave it may say too much."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"{folder}/{forum_id}/{secrets.token_urlsafe(16)}.{extension}"


def max_bytes() -> int:
    return int(getattr(settings, "PROPOSAL_PHOTO_MAX_BYTES", 5 * 1024 * 1024))


def reencode(upload: IO[bytes], *, size: int | None = None) -> CleanPhoto:
    """Check a JPEG, PNG or WebP photo and return a fresh copy without metadata.

    The copy is drawn again from the pixels only, turned the right way up first
    (phones store the turn in EXIF, which is dropped), so EXIF, GPS, XMP, comments
    and colour profiles are all left behind.
    """
    limit = max_bytes()
    megabytes = limit // (1024 * 1024)
    if size is not None and size > limit:
        raise InvalidInput(
            _("This photo is too big. Photos can be up to %(n)s MB.") % {"n": megabytes}
        )
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise InvalidInput(
            _("This photo is too big. Photos can be up to %(n)s MB.") % {"n": megabytes}
        )
    if not DECODES.acquire(timeout=DECODE_WAIT_SECONDS):
        raise InvalidInput(_("Many photos are being added just now. Please try again in a minute."))
    try:
        return _redraw(data)
    finally:
        DECODES.release()


def _redraw(data: bytes) -> CleanPhoto:
    wrong_type = _("Please choose a photo: a JPEG, PNG or WebP file.")
    too_big = _("This photo is too big. Please use a smaller photo.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            image_format = image.format or ""
            if image_format not in FORMATS:
                raise InvalidInput(wrong_type)
            if image_format == "JPEG":
                # Decode at the smallest scale that still gives MAX_SIDE pixels on the
                # long side: a 12-megapixel photo is decoded at half size.
                wide, high = image.size
                longest = max(wide, high, 1)
                image.draft(
                    "RGB", (max(1, wide * MAX_SIDE // longest), max(1, high * MAX_SIDE // longest))
                )
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(too_big)
            image.load()
            upright = ImageOps.exif_transpose(image)
    except InvalidInput:
        raise
    except Image.DecompressionBombError as exc:  # Pillow's own, far larger, limit
        raise InvalidInput(too_big) from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise InvalidInput(wrong_type) from exc
    upright.thumbnail((MAX_SIDE, MAX_SIDE))
    keeps_alpha = image_format in ("PNG", "WEBP") and upright.mode in ("RGBA", "LA", "P")
    mode = "RGBA" if keeps_alpha else "RGB"
    # A new image holds only the pixels: nothing of the original's info comes along.
    clean = Image.new(mode, upright.size)
    clean.paste(upright.convert(mode))
    out = io.BytesIO()
    if image_format == "JPEG":
        clean.save(out, "JPEG", quality=85, optimize=True)
    elif image_format == "PNG":
        clean.save(out, "PNG", optimize=True)
    else:
        clean.save(out, "WEBP", quality=85)
    extension = FORMATS[image_format]
    return CleanPhoto(
        ContentFile(out.getvalue(), name=f"photo.{extension}"), extension, *clean.size
    )


# A photo chosen on a form that is shown again (the no-JavaScript "Show a preview", or
# a mistake) is kept as a pending upload, so the person need not choose it again: the
# clean copy is stored under a random name and the form carries a signed reference,
# good for one member and one day.
PENDING_FOLDER = "pending"
PENDING_SALT = "coprod.pending-photo"
PENDING_MAX_AGE = 24 * 60 * 60


@dataclass(frozen=True)
class PendingPhoto:
    name: str
    size: int


def pending_keep(upload: IO[bytes], *, size: int | None, forum_id: int, member_id: int) -> str:
    """Store a clean copy of a chosen photo and return the signed reference to it."""
    clean = reencode(upload, size=size)
    name = default_storage.save(
        stored_name(PENDING_FOLDER, forum_id, f"photo.{clean.extension}"), clean.content
    )
    return signing.dumps({"name": name, "member": member_id}, salt=PENDING_SALT)


def pending_find(reference: str, *, member_id: int) -> PendingPhoto | None:
    """Return the pending photo a form refers to, if the reference is this member's and fresh."""
    if not reference or len(reference) > 500:
        return None
    try:
        kept = signing.loads(reference, salt=PENDING_SALT, max_age=PENDING_MAX_AGE)
    except signing.BadSignature:
        return None
    name = kept.get("name", "") if isinstance(kept, dict) else ""
    if kept.get("member") != member_id or not name.startswith(f"{PENDING_FOLDER}/"):
        return None
    if not default_storage.exists(name):
        return None
    return PendingPhoto(name=name, size=default_storage.size(name))


def pending_open(photo: PendingPhoto) -> IO[bytes]:
    """Open a pending photo's clean copy for reading."""
    return default_storage.open(photo.name, "rb")


def pending_drop(photo: PendingPhoto) -> None:
    """Delete a pending photo once it is saved with the idea."""
    default_storage.delete(photo.name)
