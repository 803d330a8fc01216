"""Photos people attach: check them, then re-encode so no location or other metadata stays."""

import io
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from deliberation.exceptions import InvalidInput

# Pillow format name -> file extension we store.
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
CONTENT_TYPES = {"image/jpeg", "image/png", "image/webp"}
MAX_SIDE = 1600
# Refuse images that would take a lot of memory to open (a "decompression bomb").
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class CleanPhoto:
    content: ContentFile
    extension: str
    width: int
    height: int


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
    wrong_type = _("Please choose a photo: a JPEG, PNG or WebP file.")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            image_format = probe.format or ""
            if image_format not in FORMATS:
                raise InvalidInput(wrong_type)
            width, height = probe.size
            if width * height > MAX_PIXELS:
                raise InvalidInput(_("This photo has too many pixels. Please make it smaller."))
            probe.verify()
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            upright = ImageOps.exif_transpose(image)
    except InvalidInput:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        ValueError,
        SyntaxError,
        Image.DecompressionBombError,
    ) as exc:
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
