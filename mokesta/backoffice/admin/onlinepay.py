"""Back office for online payments: the orders with their state, and the provider's payouts
with what they settled and the difference (accountants reconcile them with the bank)."""

from decimal import Decimal
from typing import Any

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from mokesta.backoffice.admin.audit import ReadOnlyAdmin
from mokesta.lib.money import money_text
from mokesta.onlinepay.models import PaymentOrder, PaymentOrderPart, Payout

PART_FIELDS: tuple[str, ...] = ("contract", "amount", "payment")


class PartInline(admin.TabularInline):
    """An order for several contracts („Apmokėti viską"): each contract's amount and, once
    confirmed, the payment booked on it."""

    model = PaymentOrderPart
    fields = PART_FIELDS
    readonly_fields = PART_FIELDS
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(PaymentOrder)
class PaymentOrderAdmin(ReadOnlyAdmin):
    list_display = [
        "order_id",
        "created_at",
        "state",
        "amount",
        "contracts",
        "invoice",
        "user",
        "provider",
        "payment_method",
        "payout",
        "problem",
    ]
    list_filter = [
        "state",
        "provider",
        "created_at",
        ("payout", admin.EmptyFieldListFilter),
    ]
    search_fields = [
        "order_id",
        "provider_transaction",
        "contract__number",
        "contract__customer__payer_code",
        "contract__customer__name",
        "parts__contract__number",
        "parts__contract__customer__payer_code",
        "parts__contract__customer__name",
        "invoice__number",
        "user__email",
    ]
    date_hierarchy = "created_at"
    list_select_related = ["contract", "invoice", "user", "payout"]
    inlines = [PartInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("parts__contract")

    @admin.display(description=_("contract"))
    def contracts(self, obj: PaymentOrder) -> str:
        return order_contracts(obj)


def order_contracts(order: PaymentOrder) -> str:
    """The order's contract, or the contracts of its parts with their amounts."""
    if order.contract is not None:
        return str(order.contract)
    return "; ".join(f"{part.contract} ({money_text(part.amount)} €)" for part in order.parts.all())


SETTLED_FIELDS: tuple[str, ...] = (
    "order_id",
    "confirmed_at",
    "amount",
    "contracts",
    "provider_transaction",
)
PAYOUT_FIELDS: tuple[str, ...] = (
    "booked_on",
    "provider",
    "amount",
    "settled",
    "difference_shown",
    "bank_transaction",
)


class SettledOrderInline(admin.TabularInline):
    model = PaymentOrder
    fk_name = "payout"
    fields = SETTLED_FIELDS
    readonly_fields = SETTLED_FIELDS
    extra = 0
    can_delete = False
    verbose_name = _("online payment settled")
    verbose_name_plural = _("online payments settled")

    @admin.display(description=_("contract"))
    def contracts(self, obj: PaymentOrder) -> str:
        return order_contracts(obj)

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class DifferenceFilter(admin.SimpleListFilter):
    title = _("difference")
    parameter_name = "difference"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list[tuple[str, Any]]:
        return [("yes", _("with a difference")), ("no", _("reconciled exactly"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "yes":
            return queryset.exclude(amount=F("settled"))
        if self.value() == "no":
            return queryset.filter(amount=F("settled"))
        return queryset


@admin.register(Payout)
class PayoutAdmin(ReadOnlyAdmin):
    list_display = ["booked_on", "provider", "amount", "settled", "difference_shown", "payer"]
    list_filter = [DifferenceFilter, "provider", "booked_on"]
    search_fields = [
        "bank_transaction__remittance",
        "bank_transaction__checksum",
        "orders__order_id",
    ]
    date_hierarchy = "booked_on"
    list_select_related = ["bank_transaction"]
    fields = PAYOUT_FIELDS
    readonly_fields = PAYOUT_FIELDS
    inlines = [SettledOrderInline]

    @admin.display(description=_("difference (received − settled)"))
    def difference_shown(self, obj: Payout) -> Decimal:
        return obj.difference

    @admin.display(description=_("payer"))
    def payer(self, obj: Payout) -> str:
        return obj.bank_transaction.payer_name
