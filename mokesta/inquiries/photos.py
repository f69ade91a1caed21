"""Photos attached to a request: checked by their content (not their name), size-limited, and
re-encoded from their pixels alone, so nothing the sender's file carried besides the picture is
kept: no EXIF (GPS location, device), XMP, ICC profile, JPEG comment or PNG text chunk.

Only headers are read until every photo of a submission has passed the size and pixel checks:
the pixels a submission may decode are budgeted before the first one is decoded."""

import io
from contextlib import ExitStack
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from mokesta.inquiries.models import InquiryPhoto

MAX_PHOTOS = 3
MAX_BYTES = 5 * 1024 * 1024
# A photo from any phone is below this (12 megapixels as a rule, 50 at most); a small file
# claiming more pixels is a decompression bomb and is refused before it is decoded.
MAX_PIXELS = 50_000_000
# All the photos of one submission: one large photo, or three ordinary ones. Decoding costs
# about 3 bytes of memory and ~20 ns per pixel, so this bounds what one submission can cost.
MAX_TOTAL_PIXELS = 60_000_000
# Phones save HDR and depth pictures as MPO: a JPEG followed by more JPEGs; the first is the photo.
FORMATS = {"JPEG": "JPEG", "MPO": "JPEG", "PNG": "PNG"}
CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png"}
# The one PNG property that changes how the pixels look: which colour is transparent.
PNG_KEEP = ("transparency",)


@dataclass
class CleanPhoto:
    content: bytes
    content_type: str
    extension: str


def _opened(upload: UploadedFile, stack: ExitStack) -> Image.Image:
    """The photo's header read (its pixels are not decoded yet), or ValidationError."""
    name = upload.name or ""
    if upload.size is None or upload.size > MAX_BYTES:
        raise ValidationError(
            _("%(name)s is larger than 5 MB. Attach a smaller photo.") % {"name": name},
            code="too_large",
        )
    not_a_photo = ValidationError(
        _("%(name)s is not a JPEG or PNG photo.") % {"name": name}, code="not_a_photo"
    )
    try:
        image = stack.enter_context(Image.open(upload))
    except Image.DecompressionBombError:  # Pillow's own, far larger limit
        image = None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise not_a_photo from None
    if image is not None and image.format not in FORMATS:
        raise not_a_photo
    if image is None or image.width * image.height > MAX_PIXELS:
        raise ValidationError(
            _("%(name)s has too many pixels to be a photo.") % {"name": name},
            code="too_many_pixels",
        )
    return image


def _reencoded(image: Image.Image, name: str) -> CleanPhoto:
    kind = FORMATS[str(image.format)]
    try:
        image.seek(0)  # an MPO's first picture
        image.load()
        # Turn the picture the way the camera meant it before the orientation tag goes.
        upright = ImageOps.exif_transpose(image)
        if kind == "JPEG" and upright.mode != "RGB":
            upright = upright.convert("RGB")
        # Pillow writes some of what it read back out (a JPEG comment, a PNG's ICC profile and
        # text): the copy keeps the pixels only.
        upright.info = {key: upright.info[key] for key in PNG_KEEP if key in upright.info}
        out = io.BytesIO()
        if kind == "JPEG":
            upright.save(out, "JPEG", quality=85)
        else:
            upright.save(out, "PNG")
    except (OSError, SyntaxError, ValueError, EOFError):  # a header that lied
        raise ValidationError(
            _("%(name)s is not a JPEG or PNG photo.") % {"name": name}, code="not_a_photo"
        ) from None
    return CleanPhoto(out.getvalue(), CONTENT_TYPES[kind], kind.lower().replace("jpeg", "jpg"))


def clean_photos(uploads: list[UploadedFile]) -> list[CleanPhoto]:
    """Every photo re-encoded in its own format without metadata, or ValidationError with one
    message per refused photo. Nothing is decoded unless every header passed."""
    if len(uploads) > MAX_PHOTOS:
        raise ValidationError(
            _("Attach at most %(count)s photos.") % {"count": MAX_PHOTOS}, code="too_many"
        )
    with ExitStack() as stack:
        images, errors = [], []
        for upload in uploads:
            try:
                images.append((_opened(upload, stack), upload.name or ""))
            except ValidationError as error:
                errors.append(error)
        if errors:
            raise ValidationError(errors)
        if sum(image.width * image.height for image, _name in images) > MAX_TOTAL_PIXELS:
            raise ValidationError(
                _(
                    "Together these photos have too many pixels. Attach fewer photos or "
                    "smaller ones (a phone's ordinary photo is small enough)."
                ),
                code="too_many_pixels_together",
            )
        return [_reencoded(image, name) for image, name in images]


def clean_photo(upload: UploadedFile) -> CleanPhoto:
    """One photo re-encoded without metadata, or ValidationError."""
    return clean_photos([upload])[0]


def photo_response(photo: InquiryPhoto) -> FileResponse:
    """The stored photo, never cached and sandboxed (a browser shows it, runs nothing in it)."""
    try:
        handle = photo.image.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
