"""The back office: Django's admin, in Lithuanian, behind a TOTP second factor for staff."""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp import devices_for_user
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.models import Device

from mokesta.accounts.adapter import login_limits

# Django's admin titles put the model's name into a Lithuanian sentence where it would need
# another case („Pasirinkti sąskaita peržiūrai"); this app's catalogue (read before Django's)
# translates them with the name after a colon, where the nominative is right.
ADMIN_TITLES = (
    gettext_noop("Select %s to view"),
    gettext_noop("Select %s to change"),
    gettext_noop("Select %s"),
    gettext_noop("Add %s"),
    gettext_noop("Change %s"),
    gettext_noop("View %s"),
    # Django's own strings its Lithuanian catalogue lacks.
    gettext_noop("Show counts"),
    gettext_noop("Hide counts"),
    gettext_noop("Skip to main content"),
    gettext_noop("Start typing to filter…"),
    gettext_noop("Toggle theme (current theme: auto)"),
    gettext_noop("Toggle theme (current theme: light)"),
    gettext_noop("Toggle theme (current theme: dark)"),
)


class BackofficeLoginForm(OTPAdminAuthenticationForm):
    """E-mail, password and the 6-digit code from the staff member's authenticator app."""

    otp_token = forms.CharField(
        label=_("Authenticator code"),
        required=False,
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    otp_error_messages = dict(
        OTPAuthenticationFormMixin.otp_error_messages,
        token_required=_("Enter the code from your authenticator app."),
        invalid_token=_("The code is wrong or expired. Enter the current code."),
        device_required=_("You have no authenticator device. Ask an administrator to add one."),
    )

    # One answer for every refusal: a wrong password, a wrong, missing or expired code, no
    # device, an inactive account. A separate "wrong code" message would tell a guesser that the
    # password was right. The work is the same either way (the password is always hashed).
    refused_message = _("Enter a correct e-mail, password and authenticator code.")

    def clean(self) -> dict[str, object]:
        # Failed staff logins count against the customer login's limits (per e-mail and address,
        # and the per-e-mail ceiling): a password and a 6-digit code are guessable.
        limits = login_limits(self.request, str(self.data.get("username", "")))
        if not all(limit.allows(self.request) for limit in limits):
            raise forms.ValidationError(
                _("Too many failed login attempts. Try again in a few minutes."),
                code="too_many_attempts",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            for limit in limits:
                limit.hit(self.request)
            raise forms.ValidationError(self.refused_message, code="invalid_login") from None

    def _update_form(self, user: object) -> None:
        # django-otp fills the password back in once it was right, so that only the code has to
        # be typed again: that tells a guesser the password. Staff type both again.
        return

    def clean_otp(self, user: object) -> None:
        off = not settings.ADMIN_REQUIRE_2FA
        if user is not None and off and not any(devices_for_user(user)):
            return  # two-factor login is switched off and this user has not enrolled
        super().clean_otp(user)

    def _chosen_device(self, user: object) -> Device | None:
        # Staff have one authenticator as a rule: use it without asking them to pick it.
        return super()._chosen_device(user) or next(iter(devices_for_user(user)), None)


class BackofficeSite(OTPAdminSite):
    site_header = _("MOKESTA back office")
    site_title = _("MOKESTA back office")
    index_title = _("Back office")
    login_form = BackofficeLoginForm
    login_template = "backoffice/login.html"

    def has_permission(self, request: HttpRequest) -> bool:
        if settings.ADMIN_REQUIRE_2FA:
            return super().has_permission(request)  # active staff with a verified device
        return AdminSite.has_permission(self, request)
