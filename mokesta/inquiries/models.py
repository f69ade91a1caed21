import datetime as dt
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokesta.customers.models import Contract
from mokesta.lib.dates import add_years, local_today

TEXT_MAX_LENGTH = 4000
# A move is announced up to a year ahead, or told about up to a year after it.
MOVING_YEARS = 1


def check_moving_date(day: dt.date) -> None:
    """Refuse a move date more than MOVING_YEARS before or after today."""
    today = local_today()
    earliest, latest = add_years(today, -MOVING_YEARS), add_years(today, MOVING_YEARS)
    if not earliest <= day <= latest:
        raise ValidationError(
            gettext("Enter the date of the move from %(earliest)s to %(latest)s."),
            code="moving_date_out_of_range",
            params={"earliest": earliest.isoformat(), "latest": latest.isoformat()},
        )


class PrivateStorage(FileSystemStorage):
    """Photos live outside the static and media folders the web server publishes; only the
    access-checked view serves them. The folder is PRIVATE_MEDIA_ROOT, read at each use (so
    tests can point it elsewhere)."""

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)


class Inquiry(models.Model):
    """A customer's request to the utility [užklausa] about one of their contracts."""

    class Topic(models.TextChoices):
        METER_BROKEN = "meter_broken", _("Meter broken")
        MOVING = "moving", _("Moving out / moving in")
        INVOICE = "invoice", _("I disagree with an invoice")
        EMERGENCY = "emergency", _("Emergency / leak")
        OTHER = "other", _("Other")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        IN_PROGRESS = "in_progress", _("In progress")
        RESOLVED = "resolved", _("Resolved")
        REJECTED = "rejected", _("Rejected")

    OPEN_STATES = (State.SUBMITTED, State.IN_PROGRESS)

    contract = models.ForeignKey(
        Contract, models.PROTECT, related_name="inquiries", verbose_name=_("contract")
    )
    # Cleared when the account is deleted: the request stays with the contract.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("submitted by"),
    )
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="inquiries",
        verbose_name=_("invoice"),
    )
    moving_date = models.DateField(_("moving date"), null=True, blank=True)
    # [{"meter": id, "serial": "…", "value": m³}] for a move: ready for the clerk to enter.
    final_readings = models.JSONField(_("final readings"), default=list, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_inquiries",
        limit_choices_to={"is_staff": True},
        verbose_name=_("assigned to"),
    )
    # True from the customer's last word until staff answer: the clerks' queue puts these first.
    awaiting_answer = models.BooleanField(_("awaiting an answer"), default=True)
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer request")
        verbose_name_plural = _("customer requests")
        ordering = ["-awaiting_answer", "created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "in_progress", "resolved", "rejected"]),
                name="inquiry_state_valid",
            ),
        ]
        indexes = [
            # The clerks' queue: unanswered first, oldest first.
            models.Index(fields=["awaiting_answer", "created_at"], name="inquiry_queue_idx"),
            # A user's list and the per-day limit on new requests.
            models.Index(fields=["user", "created_at"], name="inquiry_user_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_topic_display()} ({self.contract_id and self.contract})"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES


class InquiryMessage(models.Model):
    """One message of the conversation: the customer's text (the first is the request's own)
    or a staff answer."""

    inquiry = models.ForeignKey(
        Inquiry, models.CASCADE, related_name="messages", verbose_name=_("customer request")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    from_staff = models.BooleanField(_("from the utility"), default=False)
    text = models.TextField(_("text"), max_length=TEXT_MAX_LENGTH)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class InquiryPhoto(models.Model):
    """A photo attached to a request: re-encoded (no EXIF, so no location), kept privately."""

    inquiry = models.ForeignKey(
        Inquiry, models.CASCADE, related_name="photos", verbose_name=_("customer request")
    )
    image = models.FileField(_("photo"), storage=PrivateStorage(), upload_to="inquiries/%Y/%m/")
    content_type = models.CharField(_("type"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.image.name or ""
