"""Staff's authenticator devices (django-otp's TOTP admin) in Lithuanian: django-otp labels its
fields, sections and columns in plain English outside any catalogue, and relabelling its model
fields would change its migrations; so this admin, registered in place of django-otp's own
(importing it registers it), labels them itself. Its QR-code pages stay django-otp's."""

from typing import Any

from django.contrib import admin
from django.db.models import Model
from django.forms import ModelForm
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

LABELS = {
    "user": _("user"),
    "name": _("device name"),
    "confirmed": _("confirmed"),
    "key": _("secret key"),
    "step": _("step, s"),
    "t0": _("start time (t0)"),
    "digits": _("digits"),
    "tolerance": _("tolerance"),
    "drift": _("clock drift"),
    "throttling_failure_timestamp": _("last failed attempt"),
    "throttling_failure_count": _("failed attempts in a row"),
}
SECTIONS = {
    "Identity": _("Device"),
    "Timestamps": _("Use"),
    "Configuration": _("Configuration"),
    "State": _("State"),
    "Throttling": _("Failed attempts"),
}
# Read-only fields shown through methods: a model field's own label would win.
READONLY = {"created_at": "created", "last_used_at": "last_used"}


admin.site.unregister(TOTPDevice)


@admin.register(TOTPDevice)
class AuthenticatorDeviceAdmin(TOTPDeviceAdmin):
    list_display = ["owner", "device_name", "created", "last_used", "is_confirmed"]
    list_filter: list[str] = []  # its filters are titled by the English field names
    search_help_text = None
    readonly_fields = ["created", "last_used", "qrcode_link"]

    @admin.display(description=_("user"), ordering="user__email")
    def owner(self, device: TOTPDevice) -> str:
        return str(device.user)

    @admin.display(description=_("device name"), ordering="name")
    def device_name(self, device: TOTPDevice) -> str:
        return device.name

    @admin.display(description=_("created at"), ordering="created_at")
    def created(self, device: TOTPDevice) -> str:
        return f"{device.created_at:%Y-%m-%d %H:%M}" if device.created_at else "–"

    @admin.display(description=_("last used at"), ordering="last_used_at")
    def last_used(self, device: TOTPDevice) -> str:
        return f"{device.last_used_at:%Y-%m-%d %H:%M}" if device.last_used_at else "–"

    @admin.display(description=_("confirmed"), boolean=True, ordering="confirmed")
    def is_confirmed(self, device: TOTPDevice) -> bool:
        return device.confirmed

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device: TOTPDevice) -> str:
        url = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', url, _("QR code"))

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None) -> list[Any]:
        return [
            (
                SECTIONS.get(title, title) if title else None,
                {"fields": [READONLY.get(name, name) for name in options["fields"]]},
            )
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_form(
        self, request: HttpRequest, obj: Model | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm]:
        kwargs.setdefault("labels", {name: capfirst(label) for name, label in LABELS.items()})
        kwargs.setdefault("help_texts", dict.fromkeys(LABELS, ""))
        return super().get_form(request, obj, change, **kwargs)
