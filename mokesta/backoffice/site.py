"""The back office: Django's admin, in Lithuanian, behind a TOTP second factor for staff."""

from allauth.core import ratelimit
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

    def clean(self) -> dict[str, object]:
        # Failed staff logins share the customer login's limit (ACCOUNT_RATE_LIMITS
        # "login_failed", per IP and per e-mail): a password and a 6-digit code are guessable.
        email = str(self.data.get("username", "")).strip().lower()
        if not ratelimit.consume(self.request, action="login_failed", key=email, dry_run=True):
            raise forms.ValidationError(
                _("Too many failed login attempts. Try again in a few minutes."),
                code="too_many_attempts",
            )
        try:
            return super().clean()
        except forms.ValidationError:
            ratelimit.consume(self.request, action="login_failed", key=email)
            raise

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
