"""What a photo keeps after the re-encoding (its pixels only), which photos are taken, what one
submission may cost, and how many submissions a user may make, refused ones included."""

import io
import struct
import time
import zlib

from django.test import Client
from django.urls import reverse
from PIL import Image, ImageCms, PngImagePlugin

from mokesta.accounts.models import User
from mokesta.inquiries.models import Inquiry, InquiryPhoto
from mokesta.inquiries.photos import MAX_TOTAL_PIXELS

from .conftest import Setup, png_bytes, upload

NEW = reverse("inquiries:new")
SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def jpeg_segments(data: bytes) -> list[int]:
    """The markers of a JPEG's segments before its image data (0xFFE0 APP0, 0xFFFE COM, …)."""
    assert data[:2] == b"\xff\xd8"
    markers, at = [], 2
    while at < len(data):
        marker = struct.unpack(">H", data[at : at + 2])[0]
        markers.append(marker)
        if marker == 0xFFDA:  # start of scan: the pixels follow
            break
        at += 2 + struct.unpack(">H", data[at + 2 : at + 4])[0]
    return markers


def png_chunks(data: bytes) -> list[bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        length = struct.unpack(">I", data[at : at + 4])[0]
        chunks.append(data[at + 4 : at + 8])
        at += 12 + length
    return chunks


def jpeg_with_everything() -> bytes:
    """A JPEG carrying a script in its comment, EXIF, XMP and an ICC profile."""
    image = Image.new("RGB", (40, 30), (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(
        out, "JPEG", comment=SCRIPT, exif=exif, icc_profile=icc, xmp=b"<x:xmpmeta>GPS</x:xmpmeta>"
    )
    return out.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SCRIPT.decode())
    info.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>GPS</x:xmpmeta>")
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (0, 120, 200)).save(out, "PNG", pnginfo=info)
    return out.getvalue()


def mpo_bytes() -> bytes:
    """A phone's multi-picture JPEG: the photo, then a second picture (depth, HDR)."""
    first = Image.new("RGB", (40, 30), (0, 200, 0))
    second = Image.new("RGB", (40, 30), (200, 0, 0))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    return out.getvalue()


def big_png(width: int, height: int) -> bytes:
    """A valid, highly compressible RGB PNG of width × height black pixels (a few hundred KB)."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (3 * width + 1)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def form(home: Setup, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "contract": home.contract.pk,
        "topic": Inquiry.Topic.METER_BROKEN,
        "text": "Skaitiklio stiklas įskilęs.",
    }
    data.update(overrides)
    return data


def stored(client: Client, alice: User, home: Setup, name: str, content: bytes) -> bytes:
    client.force_login(alice)
    response = client.post(NEW, form(home, photos=[upload(name, content, "image/jpeg")]))
    assert response.status_code == 302, response.content.decode()[:2000]
    with InquiryPhoto.objects.get().image.open("rb") as handle:
        return handle.read()


def test_a_jpeg_keeps_no_comment_exif_xmp_or_icc(client: Client, alice: User, home: Setup) -> None:
    original = jpeg_with_everything()
    assert SCRIPT in original and 0xFFFE in jpeg_segments(original)

    data = stored(client, alice, home, "a.jpg", original)

    assert SCRIPT not in data and b"PhoneMaker" not in data and b"xmpmeta" not in data
    # Only the JFIF header and the picture's own tables: no COM, no APP1 (EXIF, XMP), no APP2.
    assert set(jpeg_segments(data)) <= {0xFFE0, 0xFFDB, 0xFFC0, 0xFFC4, 0xFFDA}


def test_a_png_keeps_no_text_chunks(client: Client, alice: User, home: Setup) -> None:
    data = stored(client, alice, home, "a.png", png_with_text())

    assert SCRIPT not in data and b"xmpmeta" not in data
    assert set(png_chunks(data)) <= {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}


def test_a_phones_multi_picture_jpeg_is_taken_as_its_first_picture(
    client: Client, alice: User, home: Setup
) -> None:
    data = stored(client, alice, home, "hdr.jpg", mpo_bytes())

    with Image.open(io.BytesIO(data)) as image:
        assert image.format == "JPEG" and getattr(image, "n_frames", 1) == 1
        pixel = image.convert("RGB").getpixel((20, 15))
        assert isinstance(pixel, tuple)
        red, green, _blue = pixel
        assert green > 150 and red < 60  # the first picture's green, not the second's red
    assert InquiryPhoto.objects.get().content_type == "image/jpeg"


def test_photos_over_the_pixel_budget_together_are_refused_before_decoding(
    client: Client, alice: User, home: Setup
) -> None:
    huge = big_png(7000, 7000)  # 49 megapixels each, each alone under the per-photo limit
    assert MAX_TOTAL_PIXELS < 3 * 7000 * 7000 and len(huge) < 300_000
    client.force_login(alice)
    files = [upload(f"{n}.png", huge) for n in range(3)]

    started = time.process_time()  # this process's CPU: other work on the machine is not counted
    response = client.post(NEW, form(home, photos=files))
    cpu = time.process_time() - started

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kartu šios nuotraukos turi per daug taškų" in html
    assert 'id="id_photos_error"' in html
    assert not Inquiry.objects.exists()
    # Decoding and re-encoding them took 3 s of CPU and 450 MB; none was decoded.
    assert cpu < 0.5, cpu


def test_one_large_photo_within_the_budget_is_taken(
    client: Client, alice: User, home: Setup
) -> None:
    client.force_login(alice)
    response = client.post(NEW, form(home, photos=[upload("a.png", big_png(4000, 3000))]))
    assert response.status_code == 302


def test_refused_submissions_count_too_then_a_lithuanian_429(
    client: Client, alice: User, home: Setup
) -> None:
    client.force_login(alice)
    refused = 0
    for _ in range(30):
        response = client.post(NEW, form(home, text="", photos=[upload("a.png", png_bytes())]))
        if response.status_code == 429:
            break
        assert response.status_code == 200  # refused: the text is missing
        refused += 1

    assert refused == 20  # 20 an hour, valid or not
    assert "pateikėte tiek užklausų" in response.content.decode()
    assert int(response["Retry-After"]) > 0
    assert client.post(NEW, form(home)).status_code == 429  # a valid one waits too
    assert not Inquiry.objects.exists()


def test_another_user_is_not_limited_by_her(
    client: Client, alice: User, bob: User, home: Setup
) -> None:
    client.force_login(alice)
    for _ in range(20):
        client.post(NEW, form(home, text=""))
    assert client.post(NEW, form(home)).status_code == 429

    from mokesta.customers.models import ContractAccess

    ContractAccess.objects.create(user=bob, contract=home.contract, via=ContractAccess.Via.CODE)
    client.force_login(bob)
    assert client.post(NEW, form(home)).status_code == 302
