"""Credit notes [kreditinė sąskaita]: the only correction of an issued invoice.

A credit note reverses an invoice in full and marks it credited. The month is then billed again
for that contract: staff correct the meter's reading (a credited month's readings of that
contract are open to staff, see periods.ensure_month_open) and run bill_period for the month,
which issues a new invoice with the next number."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from mokesta.billing.delivery import queue_invoice_delivery
from mokesta.billing.ledger import balance
from mokesta.billing.models import Invoice, InvoiceLine, Seller
from mokesta.billing.numbering import Numbering, current_series, format_number
from mokesta.lib.dates import local_today
from mokesta.lib.money import ZERO, fits_money_column
from mokesta.utility.models import Utility


class CreditNoteError(Exception):
    pass


def issue_credit_note(*, invoice: Invoice, reason: str) -> Invoice:
    """Reverse `invoice` in full with a new document that refers to it."""
    reason = reason.strip()
    if not reason:
        raise CreditNoteError(_("Give the reason for the credit note."))
    if invoice.kind != Invoice.Kind.INVOICE:
        raise CreditNoteError(_("A credit note cannot be corrected by another credit note."))
    with transaction.atomic():
        numbering = Numbering(current_series())
        if Invoice.objects.filter(corrects=invoice).exists():
            raise CreditNoteError(_("This invoice has already been credited."))
        # A credit VAT invoice for a VAT invoice, in the VAT invoice series if there is one.
        series, number = numbering.next(invoice.document_type)
        today = local_today()
        total = -invoice.total
        previous = balance(invoice.contract)
        if not (fits_money_column(previous) and fits_money_column(previous + total)):
            raise CreditNoteError(
                _(
                    "The contract's balance (%(balance)s €) is more than a document can hold: "
                    "check the contract's payments first."
                )
                % {"balance": previous}
            )
        note = Invoice(
            series=series,
            sequence=number,
            number=format_number(series, number),
            kind=Invoice.Kind.CREDIT_NOTE,
            corrects=invoice,
            contract=invoice.contract,
            period=invoice.period,
            issue_date=today,
            due_date=today,
            # The utility issues the note as it is now; the buyer is the corrected invoice's.
            seller=Seller.of(Utility.fresh()),
            contract_number=invoice.contract_number,
            buyer_reference=invoice.buyer_reference,
            order_reference=invoice.order_reference,
            water_m3=-invoice.water_m3,
            customer_name=invoice.customer_name,
            customer_address=invoice.customer_address,
            payer_code=invoice.payer_code,
            document_type=invoice.document_type,
            buyer_company_code=invoice.buyer_company_code,
            buyer_vat_code=invoice.buyer_vat_code,
            service_address=invoice.service_address,
            net=-invoice.net,
            vat=-invoice.vat,
            interest=-invoice.interest,
            total=total,
            previous_balance=previous,
            amount_due=previous + total,
            # Not paid by transfer, so its (unique) number serves as its code.
            payment_code=format_number(series, number),
            reason=reason[:500],
        )
        try:
            with transaction.atomic():
                note.save()
        except IntegrityError as error:  # a concurrent credit note of the same invoice
            raise CreditNoteError(_("This invoice has already been credited.")) from error
        # Frees the contract's month for a new invoice (the one-invoice constraint skips it).
        Invoice.objects.filter(pk=invoice.pk).update(credited=True)
        invoice.credited = True
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=note,
                service=line.service,
                description=line.description,
                quantity=-line.quantity,
                unit=line.unit,
                unit_price=line.unit_price,
                net=-line.net,
                vat_rate=line.vat_rate,
                vat=-line.vat if line.vat else ZERO,
                total=-line.total,
                estimated=line.estimated,
            )
            for line in invoice.lines.all()
        )
        numbering.save()
        # Delivered like the invoice it corrects, and only if this transaction commits.
        queue_invoice_delivery(note)
    return note
