import time
from typing import ClassVar

from django.core.cache import cache
from django.db import models
from django.utils.translation import gettext_lazy as _


class Utility(models.Model):
    """The utility this deployment serves: one row that staff edit and templates read."""

    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    company_code = models.CharField(_("company code"), max_length=20, blank=True)
    vat_code = models.CharField(_("VAT code"), max_length=20, blank=True)
    iban = models.CharField(_("bank account (IBAN)"), max_length=34, blank=True)
    bank_name = models.CharField(_("bank"), max_length=100, blank=True)
    payee_code = models.CharField(_("payee code"), max_length=20, blank=True)
    invoice_series = models.CharField(_("invoice series"), max_length=10, default="VKU")
    vat_invoice_series = models.CharField(
        _("VAT invoice series"),
        max_length=10,
        blank=True,
        help_text=_(
            "Own series for VAT invoices (and their credit notes) to VAT-registered customers, "
            "e.g. VKUPVM; empty: they share the invoice series."
        ),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    CACHE_KEY = "utility:utility"

    class Meta:
        verbose_name = _("utility")
        verbose_name_plural = _("utility")
        db_table = "portal_utility"  # created by the portal app before the move

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        self.forget()

    # Every page shows the details (the footer, payment details): besides the shared cache, each
    # process keeps them for LOCAL_SECONDS, which saves a cache read (a database query with the
    # database cache) per page. An edit shows in every process within that time.
    LOCAL_SECONDS = 30
    _local: ClassVar["tuple[float, Utility] | None"] = None

    @classmethod
    def forget(cls) -> None:
        cache.delete(cls.CACHE_KEY)
        cls._local = None

    @classmethod
    def fresh(cls) -> "Utility":
        """The utility's row as the database holds it now (one query, no cache): for whatever
        issues a document or checks money against it (invoice numbers and series, credit notes,
        PDF, i.SAF, e-mails, the statement's account). A change staff just saved, in any
        process, is used at once; current() may be 30 s old and is only for page chrome."""
        return cls.objects.order_by("pk").first() or cls(name="MOKESTA", short_name="MOKESTA")

    @classmethod
    def current(cls) -> "Utility":
        """The utility's details for page chrome (header, footer): kept up to LOCAL_SECONDS per
        process. Anything issued or checked reads fresh() instead. An unsaved placeholder until
        staff enter them."""
        now = time.monotonic()
        if cls._local is not None and now - cls._local[0] < cls.LOCAL_SECONDS:
            return cls._local[1]
        utility = cache.get(cls.CACHE_KEY)
        if utility is None:
            utility = cls.objects.order_by("pk").first() or cls(
                name="MOKESTA", short_name="MOKESTA"
            )
            cache.set(cls.CACHE_KEY, utility, 300)
        cls._local = (now, utility)
        return utility
