import io
from base64 import b32encode

import segno
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice

from mokesta.accounts.models import User


class Command(BaseCommand):
    help = (
        "Create a TOTP (authenticator app) device for a staff user and print its otpauth:// URL "
        "and QR code to scan."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="authenticator", help="device name")
        parser.add_argument("--qr", metavar="FILE", help="also write the QR code (.svg or .png)")
        parser.add_argument("--no-terminal-qr", action="store_true")

    def handle(self, *args: object, **options: str) -> None:
        try:
            user = User.objects.get(email__iexact=options["email"])
        except User.DoesNotExist:
            raise CommandError(f"No user {options['email']}") from None
        if not user.is_staff:
            raise CommandError(f"{user} is not staff; two-factor login is for the back office")
        device = TOTPDevice.objects.create(user=user, name=options["name"], confirmed=True)
        url = device.config_url
        self.stdout.write(f"TOTP device {device.name!r} for {user}.")
        self.stdout.write(f"Secret (base32): {device_secret(device)}")
        self.stdout.write(f"otpauth URL: {url}")
        qr = segno.make(url, micro=False)
        if options["qr"]:
            qr.save(options["qr"], scale=6)
            self.stdout.write(f"QR code written to {options['qr']}")
        if not options["no_terminal_qr"]:
            out = io.StringIO()
            qr.terminal(out=out, compact=True)
            self.stdout.write(out.getvalue())


def device_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode()
