from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CustomerImport(models.Model):
    """One file brought in through the admin page („Duomenų importas"): the file, what was
    asked (a check only, invitations), and the result the background task wrote."""

    class Kind(models.TextChoices):
        CUSTOMERS = "customers", _("customers, contracts and meters")
        HISTORY = "history", _("reading history")

    class State(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("importing")
        CHECKED = "checked", _("checked, no problems (nothing written)")
        DONE = "done", _("imported")
        FAILED = "failed", _("problems found, nothing imported")

    file_name = models.CharField(_("file name"), max_length=255)
    kind = models.CharField(_("file kind"), max_length=20, choices=Kind.choices, blank=True)
    dry_run = models.BooleanField(_("check only"), default=False)
    invite = models.BooleanField(_("send invitations"), default=False)
    balance_date = models.DateField(_("opening balance date"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default="queued")
    rows = models.PositiveIntegerField(_("rows"), default=0)
    # What was written, by name (README "Data import"): {"contracts_created": 12, ...}.
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    # Every problem found, [row, column, message], the first PROBLEMS_KEPT of them.
    problems = models.JSONField(_("problems"), default=list, blank=True)
    problem_count = models.PositiveIntegerField(_("problems found"), default=0)
    content = models.BinaryField(_("file content"), blank=True, default=b"", editable=False)

    class Meta:
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.created_at:%Y-%m-%d %H:%M})"
