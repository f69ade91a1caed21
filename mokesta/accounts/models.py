from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from mokesta.accounts.identity import email_key, normalise_email, validate_email_identity


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> "User":
        if not email:
            raise ValueError("The e-mail must be set")
        user = self.model(email=normalise_email(email), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> "User":
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def by_email(self, address: str) -> models.QuerySet["User"]:
        """The user whose address is one identity with `address` (accounts/identity.py)."""
        return self.filter(email_key=email_key(address))

    def get_by_natural_key(self, username: str | None) -> "User":
        # The login's lookup (Django's ModelBackend, the only backend: customer login and
        # /admin/ alike). Exactly one row or none: should two ever answer, the login fails
        # like a wrong password, never with a 500.
        users = list(self.by_email(username or "")[:2])
        if len(users) != 1:
            raise self.model.DoesNotExist("No single user has this e-mail address.")
        return users[0]


class User(AbstractUser):
    """A login of the self-service: a customer or a member of staff. The e-mail is the login."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(
        _("e-mail address"), max_length=254, unique=True, validators=[validate_email_identity]
    )
    # identity.email_key(email), set on every save: the one column logins, registrations and
    # the e-mail change compare (with =); unique by the constraint below. NULL only on rows the
    # migration to it found colliding with an older account (README: "Security").
    email_key = models.TextField(_("e-mail identity"), null=True, editable=False)
    first_name = models.CharField(_("first name"), max_length=60)
    last_name = models.CharField(_("last name"), max_length=80)
    phone = PhoneNumberField(_("phone number"), blank=True)
    invoices_by_email = models.BooleanField(_("receive invoices by e-mail"), default=False)
    sms_opt_in = models.BooleanField(_("accept SMS messages"), default=False)
    rules_accepted_at = models.DateTimeField(_("site rules accepted at"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=8, default="lt")

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    objects = UserManager()  # type: ignore[assignment,misc]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            # One account per identity: "Ona@x.lt", "ona@x.lt." and "ｏna@x.lt" are one. Its
            # index serves every lookup by address (UserManager.by_email).
            models.UniqueConstraint(fields=["email_key"], name="accounts_user_email_key_unique"),
        ]

    def clean(self) -> None:
        super().clean()
        self.email = normalise_email(self.email or "")
        if User.objects.by_email(self.email).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"email": _("A user with this e-mail address already exists.")}, code="unique"
            )

    def save(self, *args: object, **kwargs: object) -> None:
        self.email = normalise_email(self.email or "")
        self.email_key = email_key(self.email) if self.email else None
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "email" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "email_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def __str__(self) -> str:
        return self.email


class ApiToken(models.Model):
    """A personal access token of the open API (/api/v1/), made in „Mano duomenys" → „API
    raktai". Only a SHA-256 of the token is kept (the token is 256 random bits, so a slow hash
    adds nothing); it is shown to the user once (accounts/tokens.py)."""

    class Scope(models.TextChoices):
        READ = "read", _("read")
        DECLARE = "declare", _("read and declare readings")

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60)
    # The token's first characters, shown in the list so the user can tell which one a program has.
    prefix = models.CharField(_("prefix"), max_length=16)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    # The per-token limit (API_RATE_LIMIT): calls counted in the current window, on the token's
    # own row by one UPDATE per call (accounts/queries.py: count_token_call).
    window_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    window_calls = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        # The profile's list of a user's tokens, newest first.
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def can_declare(self) -> bool:
        return self.scope == self.Scope.DECLARE
