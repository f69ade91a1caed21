"""„Apmokėti": the customer pays a contract's amount due (or an unpaid invoice) online, or
everything due on all their contracts at once („Apmokėti viską"), and comes back to a page that
says whether the payment is confirmed or still pending."""

import re
from decimal import Decimal

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.billing.ledger import amount_due_now
from mokesta.billing.models import Invoice
from mokesta.customers.access import may, user_contract, user_contracts
from mokesta.customers.models import Contract
from mokesta.lib.money import ZERO, only_ascii_digits, round_money
from mokesta.onlinepay import paysera, providers
from mokesta.onlinepay.models import PaymentOrder
from mokesta.onlinepay.orders import (
    MAX_AMOUNT,
    MIN_AMOUNT,
    UnknownOrder,
    apply_outcome,
    start_order,
    start_order_for_all,
)
from mokesta.portal.invoices import unpaid_amount, user_invoices

# "12,34", "12.34", "1 234,56" (a space, or the no-break space Lithuanian formatting uses).
# Only the digits 0–9: \d and Decimal() would also read other scripts' digits (١٢ as 12).
AMOUNT = re.compile(r"[0-9]{1,9}(?:[.,][0-9]{1,2})?")


class PayForm(forms.Form):
    amount = forms.CharField(
        label=gettext_lazy("Amount, €"),
        max_length=20,
        error_messages={"required": gettext_lazy("Enter the amount to pay.")},
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )

    def clean_amount(self) -> Decimal:
        text = re.sub(r"[\s\u00a0\u202f]", "", self.cleaned_data["amount"])
        if not only_ascii_digits(text):
            raise forms.ValidationError(_("Write the amount in the digits 0–9, e.g. 12,34."))
        if not AMOUNT.fullmatch(text):
            raise forms.ValidationError(
                _("Enter the amount in euros with at most two decimals, e.g. 12,34.")
            )
        amount = Decimal(text.replace(",", "."))
        if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            # The limits as each language writes them (Lithuanian: 10 000,00).
            raise forms.ValidationError(_("The amount must be from 0.01 € to 10,000.00 €."))
        return round_money(amount)


def money_text(amount: Decimal) -> str:
    """12,34 in Lithuanian, 12.34 in English; no thousands separator (the form reads it back)."""
    return number_format(amount, decimal_pos=2, use_l10n=True)


def provider_or_404() -> providers.Provider:
    provider = providers.current()
    if provider is None:
        raise Http404  # online payments are off
    return provider


@login_required
def pay_contract(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk, action="pay")
    return pay(request, contract=contract, invoice=None, suggested=amount_due_now(contract).amount)


@login_required
def pay_invoice(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    invoice = get_object_or_404(user_invoices(request.user), pk=pk)
    unpaid = unpaid_amount(invoice)
    if unpaid <= 0:
        raise Http404  # a paid or credited invoice, or a credit note, has nothing to pay
    if not may(request.user, invoice.contract_id, "pay"):
        raise Http404  # a „Peržiūra" or „Deklaruoja" member sees the invoice, does not pay it
    return pay(request, contract=invoice.contract, invoice=invoice, suggested=unpaid)


def pay(
    request: AuthenticatedHttpRequest,
    *,
    contract: Contract,
    invoice: Invoice | None,
    suggested: Decimal,
) -> HttpResponse:
    provider = provider_or_404()
    if request.method == "POST":
        form = PayForm(request.POST)
        if form.is_valid():
            order = start_order(
                user=request.user,
                contract=contract,
                invoice=invoice,
                amount=form.cleaned_data["amount"],
                provider=provider,
            )
            description = invoice.number if invoice else contract.number
            return HttpResponseRedirect(
                provider.checkout_url(checkout(request, order, description=description))
            )
    else:
        initial = money_text(suggested) if MIN_AMOUNT <= suggested <= MAX_AMOUNT else ""
        form = PayForm(initial={"amount": initial})
    return render(
        request,
        "onlinepay/pay.html",
        {"form": form, "contract": contract, "invoice": invoice, "due": suggested},
    )


def amounts_due(user: User) -> list[tuple[Contract, Decimal]]:
    """The user's contracts they may pay (the access rule, by role) with something due now, and
    what: the ledger's amount_due_now(), the rule the dashboard's cards show."""
    found = []
    for contract in user_contracts(user, "pay"):
        amount = amount_due_now(contract).amount
        if amount > 0:
            found.append((contract, amount))
    return found


class PayAllForm(forms.Form):
    """The total the customer saw: if what is due changed since (a payment arrived, an invoice
    was issued), the order is not started and the page shows the new amounts."""

    CHANGED = gettext_lazy("The amount due has changed since. Check the new amounts and pay again.")
    total = forms.CharField(
        max_length=20, widget=forms.HiddenInput, error_messages={"required": CHANGED}
    )

    def __init__(self, *args: object, expected: Decimal, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.expected = expected

    def clean_total(self) -> Decimal:
        text = self.cleaned_data["total"].strip()
        if (
            not AMOUNT.fullmatch(text.replace(",", "."))
            or Decimal(text.replace(",", ".")) != self.expected
        ):
            raise forms.ValidationError(self.CHANGED)
        return self.expected


@login_required
@require_http_methods(["GET", "POST"])
def pay_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """„Apmokėti viską": one order for the total due now on all the user's contracts, each
    contract's part recorded on the order. GET shows the parts (and works without the
    dashboard); POST starts the order when the total is still the one shown."""
    provider = provider_or_404()
    parts = amounts_due(request.user)
    total = sum((amount for _contract, amount in parts), ZERO)
    payable = bool(parts) and total <= MAX_AMOUNT
    form = PayAllForm(initial={"total": f"{total:.2f}"}, expected=total)
    error = ""
    if request.method == "POST":
        posted = PayAllForm(request.POST, expected=total)
        if posted.is_valid() and payable:
            order = start_order_for_all(user=request.user, parts=parts, provider=provider)
            numbers = ", ".join(contract.number for contract, _amount in parts)
            return HttpResponseRedirect(
                provider.checkout_url(checkout(request, order, description=numbers[:150]))
            )
        # The new amounts are shown with a fresh form carrying the new total.
        if not posted.is_valid():
            error = " ".join(str(message) for message in posted.errors.get("total", []))
        elif not parts:
            error = _("Nothing is due now.")
        else:
            error = _("The total is over 10,000.00 €: pay for each contract separately.")
    return render(
        request,
        "onlinepay/pay_all.html",
        {
            "form": form,
            "parts": parts,
            "total": total,
            "payable": payable,
            "error": error,
        },
        status=400 if error else 200,
    )


def checkout(
    request: AuthenticatedHttpRequest, order: PaymentOrder, *, description: str
) -> providers.Checkout:
    """Where the provider sends the customer back (this site's host) and what it shows."""
    return_url = request.build_absolute_uri(reverse("payments:order", args=[order.order_id]))
    return providers.Checkout(
        order_id=order.order_id,
        amount=order.amount,
        currency=order.currency,
        accept_url=return_url,
        cancel_url=return_url + "?atsaukta=1",
        callback_url=providers.callback_url(),
        language=get_language() or "lt",
        description=description,
        email=request.user.email,
    )


@login_required
def order_status(request: AuthenticatedHttpRequest, order_id: str) -> HttpResponse:
    """Where the provider sends the customer back: confirmed, pending, failed. Only reads,
    except that a signed confirmation the provider appends is applied like its callback (so the
    page is right even when the callback is late); reloading it changes nothing."""
    # An order of one contract: whoever sees the contract; of several: the user who paid.
    order = get_object_or_404(
        PaymentOrder.objects.select_related("contract", "invoice", "payment").distinct(),
        Q(contract__accesses__user=request.user) | Q(contract__isnull=True, user=request.user),
        order_id=order_id,
    )
    provider = providers.current()
    if provider is not None and provider.name == order.provider and request.GET.get("data"):
        try:
            outcome = provider.verify(request.GET.dict())
            if outcome.order_id == order.order_id:
                order = apply_outcome(outcome=outcome, provider=provider)
        except (paysera.SignatureError, UnknownOrder):
            pass  # not proof of anything: the page shows what the callback recorded
    parts = order.parts.select_related("contract") if order.contract is None else []
    return render(
        request,
        "onlinepay/order.html",
        {"order": order, "parts": parts, "cancelled": "atsaukta" in request.GET},
    )
