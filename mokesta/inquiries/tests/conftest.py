"""A linked contract with a meter and an invoice, photos made on the spot, private files in a
temporary folder."""

import datetime as dt
import io
import struct
import zlib
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.metering.models import Meter
from mokesta.testing.factories import add_readings, make_contract, make_invoice, make_meter

VILNIUS = dt.timezone(dt.timedelta(hours=2))


@pytest.fixture(autouse=True)
def private_media(settings: object, tmp_path: object) -> object:
    settings.PRIVATE_MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    return tmp_path


@pytest.fixture(autouse=True)
def fresh_rate_limits() -> Iterator[None]:
    """The per-user submission counts live in the cache, which outlives a test's rollback (and a
    user id comes back in the next test): start clean, and leave none behind."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def mid_month() -> Iterator[None]:
    with time_machine.travel(dt.datetime(2026, 11, 15, 12, 0, tzinfo=VILNIUS), tick=False):
        yield


@dataclass
class Setup:
    contract: Contract
    meter: Meter
    invoice: Invoice


@pytest.fixture
def home(alice: User) -> Setup:
    contract = make_contract(user=alice)
    meter = make_meter(contract, initial=100)
    add_readings(meter, last_month=dt.date(2026, 10, 1), count=3)
    invoice = make_invoice(contract, month=dt.date(2026, 10, 1))
    return Setup(contract, meter, invoice)


def png_bytes(size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 120, 200)).save(out, "PNG")
    return out.getvalue()


def jpeg_with_location() -> bytes:
    """A JPEG whose EXIF names the camera and holds a GPS position, as phones write them."""
    image = Image.new("RGB", (40, 30), (200, 50, 50))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (55.0, 44.0, 1.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def bomb_png(width: int = 40_000, height: int = 40_000) -> bytes:
    """A tiny PNG whose header claims width × height pixels: decoding it would take GBs."""
    data = png_bytes((1, 1))
    ihdr = struct.pack(">II", width, height) + data[24:29]
    chunk = b"IHDR" + ihdr
    crc = struct.pack(">I", zlib.crc32(chunk) & 0xFFFFFFFF)
    return data[:12] + chunk + crc + data[33:]


def upload(name: str, content: bytes, content_type: str = "image/png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
