"""Checking and re-encoding a photo attached to a customer request, beside a plain decode of the
same file in the same run.

Usage: python bench/photos.py [N]   (N runs each, default 5; a 12-megapixel JPEG like a phone's)

Then one submission of three 49-megapixel PNGs of 139 KiB each, refused by the pixel budget
before any is decoded (run under `/usr/bin/time -f %M` to see the process's peak memory).
"""

import io
import os
import statistics
import sys
import time
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.exceptions import ValidationError  # noqa: E402
from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from mokesta.inquiries.photos import clean_photo, clean_photos  # noqa: E402


def timed(action, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    picture = Image.effect_noise((4000, 3000), 25).convert("RGB")
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=60)
    data = buffer.getvalue()

    def decode() -> None:
        with Image.open(io.BytesIO(data)) as image:
            image.load()

    def check() -> None:
        clean_photo(SimpleUploadedFile("photo.jpg", data, "image/jpeg"))

    baseline = timed(decode, runs)
    checked = timed(check, runs)
    print(f"4000x3000 JPEG, {len(data) // 1024} KiB, median of {runs}")
    print(f"plain decode (baseline): {baseline * 1000:.0f} ms")
    print(f"clean_photo (check, EXIF strip, re-encode): {checked * 1000:.0f} ms")
    print(f"ratio: {checked / baseline:.1f}x")


def big_png(width: int, height: int) -> bytes:
    """A valid RGB PNG of black pixels: tiny on disk, width × height × 3 bytes when decoded."""
    packer = zlib.compressobj(9)
    row = b"\x00" * (3 * width + 1)
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


def budget() -> None:
    data = big_png(7000, 7000)
    uploads = [SimpleUploadedFile(f"{n}.png", data, "image/png") for n in range(3)]
    start = time.process_time()
    try:
        clean_photos(uploads)
        outcome = "accepted"
    except ValidationError:
        outcome = "refused"
    cpu = time.process_time() - start
    print(f"three 7000x7000 PNGs of {len(data) // 1024} KiB: {outcome}, {cpu * 1000:.0f} ms CPU")


if __name__ == "__main__":
    main()
    budget()
