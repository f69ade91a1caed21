"""Checking and re-encoding a photo attached to a customer request, beside a plain decode of the
same file in the same run.

Usage: python bench/photos.py [N]   (N runs each, default 5; a 12-megapixel JPEG like a phone's)
"""

import io
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
os.environ.setdefault("DEBUG", "1")

import django  # noqa: E402

django.setup()

from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: E402
from PIL import Image  # noqa: E402

from mokesta.inquiries.photos import clean_photo  # noqa: E402


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


if __name__ == "__main__":
    main()
