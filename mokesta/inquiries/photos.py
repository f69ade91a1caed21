"""Photos attached to a request: checked by their content (not their name), size-limited, and
re-encoded without metadata, so a phone's EXIF (GPS location, device) is never kept."""

import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
# A photo from any phone is far below this; a small file claiming more pixels is a
# decompression bomb and is refused before it is decoded.
MAX_PIXELS = 50_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str


def clean_photo(upload: UploadedFile) -> CleanPhoto:
    """The photo re-encoded in its own format without metadata, or ValidationError."""
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 5 MB. Attach a smaller photo.") % {"name": name},
            code="too_large",
        )
    too_many_pixels = ValidationError(
        _("%(name)s has too many pixels to be a photo.") % {"name": name}, code="too_many_pixels"
    )
    not_a_photo = ValidationError(
        _("%(name)s is not a JPEG or PNG photo.") % {"name": name}, code="not_a_photo"
    )
    try:
        with Image.open(upload) as image:
            if image.format not in FORMATS:
                raise not_a_photo
            if image.width * image.height > MAX_PIXELS:
                raise too_many_pixels
            kind = image.format
            image.load()
            # Turn the picture the way the camera meant it before the orientation tag goes.
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind == "JPEG":
                upright.convert("RGB").save(out, "JPEG", quality=85)
            else:
                upright.save(out, "PNG")
    except ValidationError:
        raise
    except Image.DecompressionBombError:  # Pillow's own, far larger limit
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_a_photo from None
    return CleanPhoto(out.getvalue(), FORMATS[kind], kind.lower().replace("jpeg", "jpg"))
