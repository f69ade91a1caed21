from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutgoingMessage(models.Model):
    """One e-mail or SMS in the outbox. Written in the same transaction as the change that causes
    it, sent later by a task (see sending.py); the dedup key makes queueing idempotent."""

    class Channel(models.TextChoices):
        EMAIL = "email", _("e-mail")
        SMS = "sms", _("SMS")

    class State(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    template = models.CharField(_("template"), max_length=100)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=8, default="lt")
    dedup_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    invoice = models.ForeignKey(
        "billing.Invoice",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("invoice"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("user"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Not before this time: failed attempts back off; pending messages are due at once.
    next_attempt_at = models.DateTimeField(_("next attempt at"), auto_now_add=True)
    # When a worker took the message; a message left in "sending" long after it is taken again.
    claimed_at = models.DateTimeField(_("taken by a worker at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "failed"]),
                name="outgoing_message_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["email", "sms"]), name="outgoing_message_channel_valid"
            ),
            models.CheckConstraint(
                condition=~Q(state="sent") | Q(sent_at__isnull=False),
                name="outgoing_message_sent_has_time",
            ),
        ]
        indexes = [
            # Workers look for due pending messages and for stuck sending ones, oldest first.
            models.Index(fields=["state", "next_attempt_at"], name="outgoing_message_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.recipient} ({self.template})"
