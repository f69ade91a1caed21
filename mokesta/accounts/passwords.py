"""The password policy of the user guide: 8–16 characters, an uppercase letter, a lowercase letter
and a digit. Used at registration, password change and reset (AUTH_PASSWORD_VALIDATORS)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MIN_LENGTH = 8
MAX_LENGTH = 16


class PasswordPolicyValidator:
    def validate(self, password: str, user: object = None) -> None:
        errors = []
        if len(password) < MIN_LENGTH:
            errors.append(
                ValidationError(
                    _("The password must be at least %(min)d characters long."),
                    code="password_too_short",
                    params={"min": MIN_LENGTH},
                )
            )
        if len(password) > MAX_LENGTH:
            errors.append(
                ValidationError(
                    _("The password must be at most %(max)d characters long."),
                    code="password_too_long",
                    params={"max": MAX_LENGTH},
                )
            )
        # str.isupper/islower know Lithuanian letters: "Ž".isupper(), "ė".islower().
        if not any(c.isupper() for c in password):
            errors.append(
                ValidationError(
                    _("The password must contain at least one uppercase letter."),
                    code="password_no_upper",
                )
            )
        if not any(c.islower() for c in password):
            errors.append(
                ValidationError(
                    _("The password must contain at least one lowercase letter."),
                    code="password_no_lower",
                )
            )
        if not any(c.isdigit() for c in password):
            errors.append(
                ValidationError(
                    _("The password must contain at least one digit."), code="password_no_digit"
                )
            )
        if errors:
            raise ValidationError(errors)

    def get_help_text(self) -> str:
        return _("8–16 characters, at least one uppercase letter, one lowercase letter, one digit.")
