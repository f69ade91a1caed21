"""Back office for money: payments and the unmatched queue (statement imports: admin/bank.py)."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from mokesta.backoffice.dates import BoundedDates
from mokesta.backoffice.formats import contract_label, euro
from mokesta.bank.booking import assign_payment
from mokesta.lib.money import MAX_SINGLE_AMOUNT, only_ascii_digits
from mokesta.payments.models import Payment, UnmatchedPayment


class AmountField(forms.DecimalField):
    """An amount typed by staff: the digits 0–9 only (Django's DecimalField reads other scripts'
    digits, ١٢ as 12), at most the single-amount bound (lib.money), so the balances made of it
    fit in their columns."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            max_value=MAX_SINGLE_AMOUNT,
            max_digits=13,
            decimal_places=2,
            localize=True,  # 12,50 as Lithuanian staff write it (12.50 is read too)
            error_messages={
                "max_value": _("The amount may be at most %(limit_value)s €."),
            },
            **kwargs,
        )

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not only_ascii_digits(value):
            raise forms.ValidationError(
                _("Write the amount in the digits 0–9, e.g. 12,34."), code="digits"
            )
        return super().to_python(value)


class PaymentForm(forms.ModelForm):
    amount = AmountField(label=_("amount"))

    class Meta:
        model = Payment
        fields = [
            "contract",
            "amount",
            "paid_on",
            "source",
            "bank_reference",
            "provider_reference",
            "payer_name",
            "details",
        ]


@admin.register(Payment)
class PaymentAdmin(BoundedDates, admin.ModelAdmin):
    date_future_years = {"paid_on": 0}
    form = PaymentForm
    list_display = ["paid_on", "amount", "contract", "payer_name", "source", "bank_reference"]
    list_filter = ["source", "paid_on", ("contract", admin.EmptyFieldListFilter)]
    search_fields = [
        "contract__number",
        "contract__customer__payer_code",
        "contract__customer__name",
        "payer_name",
        "details",
        "bank_reference",
        "provider_reference",
    ]
    date_hierarchy = "paid_on"
    autocomplete_fields = ["contract"]
    list_select_related = ["contract"]
    exclude = ["unmatched_reason", "unmatched_detail"]  # written by the import, shown in the queue

    def get_readonly_fields(self, request: HttpRequest, obj: Payment | None = None) -> list[str]:
        # A booked bank entry is the bank's record, an online payment the provider's: only the
        # contract may be corrected.
        if obj is not None and obj.source in (
            Payment.Source.BANK,
            Payment.Source.ONLINE,
            Payment.Source.POST,
        ):
            return [
                "amount",
                "paid_on",
                "source",
                "bank_reference",
                "provider_reference",
                "payer_name",
                "details",
            ]
        return []


class AssignForm(forms.ModelForm):
    class Meta:
        model = UnmatchedPayment
        fields = ["contract"]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["contract"].required = True
        self.fields["contract"].label_from_instance = contract_label  # type: ignore[attr-defined]


@admin.register(UnmatchedPayment)
class UnmatchedPaymentAdmin(admin.ModelAdmin):
    """The unmatched queue: open a payment, choose its contract, save."""

    form = AssignForm
    list_display = ["paid_on", "amount", "payer_name", "details", "why_unmatched", "bank_reference"]
    list_filter = ["paid_on", "unmatched_reason"]
    search_fields = ["payer_name", "details", "bank_reference", "unmatched_detail"]
    fields = [
        "paid_on",
        "amount",
        "payer_name",
        "details",
        "why_unmatched",
        "bank_reference",
        "contract",
    ]
    readonly_fields = [
        "paid_on",
        "amount",
        "payer_name",
        "details",
        "why_unmatched",
        "bank_reference",
    ]
    autocomplete_fields = ["contract"]

    @admin.display(description=_("why unmatched"))
    def why_unmatched(self, obj: Payment) -> str:
        return obj.unmatched_because

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Payment, form: forms.Form, change: bool
    ) -> None:
        assign_payment(
            payment=obj,
            contract=form.cleaned_data["contract"],
            user=request.user,  # type: ignore[arg-type]  # staff only: never anonymous here
        )

    def log_change(self, request: HttpRequest, obj: object, message: object) -> None:  # type: ignore[override]
        pass  # assign_payment writes the audit entry itself

    def response_change(self, request: HttpRequest, obj: Payment) -> HttpResponse:
        messages.success(
            request,
            gettext("The payment of %(amount)s was assigned to contract %(number)s.")
            % {"amount": euro(obj.amount), "number": obj.contract},
        )
        return HttpResponseRedirect(reverse("admin:payments_unmatchedpayment_changelist"))
