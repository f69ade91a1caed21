"""Invoice numbers and payment codes.

Numbers: the utility's series followed by a gapless sequence (VKU000123). The sequence row is
locked with select_for_update inside the issuing transaction, so a rolled-back run leaves no gap
and two runs never take the same number; a unique constraint backs this up. VAT invoices to
VAT-registered customers (and their credit notes) take the utility's VAT invoice series when it
has one (VKUPVM000012), else the same series as everything else.

Payment codes [įmokos kodas]: YYMM of the billed month, the contract id padded to 6 digits and a
Luhn check digit (2611 000042 ?), so a mistyped digit in a bank transfer is detected. One invoice
per contract and month makes the code unique; credit notes are not paid and use their number.
"""

import datetime as dt

from django.db import IntegrityError, transaction

from mokesta.billing.models import Invoice, InvoiceSequence
from mokesta.utility.models import Utility


def current_series() -> str:
    return Utility.fresh().invoice_series


def lock_sequence(series: str) -> InvoiceSequence:
    """The series' sequence row, locked until the caller's transaction ends."""
    try:
        # Created in a savepoint: two first runs racing to create it must not both fail.
        with transaction.atomic():
            InvoiceSequence.objects.get_or_create(series=series)
    except IntegrityError:
        pass
    return InvoiceSequence.objects.select_for_update().get(series=series)


class Numbering:
    """Next numbers for one transaction's documents, in the series their type belongs to.

    The invoice series is locked at once (it is also what makes two billing runs take turns);
    the VAT invoice series only when first needed, and always after it, so two transactions
    never wait for each other's locks in opposite order. `save` stores the last numbers used."""

    def __init__(self, series: str) -> None:
        self.series = series
        self.vat_series = Utility.fresh().vat_invoice_series or series
        self.sequences = {series: lock_sequence(series)}
        self.last = {series: self.sequences[series].last_number}

    def series_for(self, document_type: str) -> str:
        return self.vat_series if document_type == Invoice.DocumentType.VAT_INVOICE else self.series

    def next(self, document_type: str) -> tuple[str, int]:
        """(series, sequence number) of the next document of this type."""
        series = self.series_for(document_type)
        if series not in self.sequences:
            self.sequences[series] = lock_sequence(series)
            self.last[series] = self.sequences[series].last_number
        self.last[series] += 1
        return series, self.last[series]

    def save(self) -> None:
        for series, sequence in self.sequences.items():
            if sequence.last_number != self.last[series]:
                sequence.last_number = self.last[series]
                sequence.save(update_fields=["last_number"])


def format_number(series: str, sequence: int) -> str:
    return f"{series}{sequence:06d}"


def luhn_digit(digits: str) -> str:
    """The Luhn check digit for a string of digits."""
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2 == 0:  # every second digit from the right, starting next to the check digit
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def payment_code(month: dt.date, contract_id: int) -> str:
    body = f"{month:%y%m}{contract_id:06d}"
    return body + luhn_digit(body)


def is_valid_payment_code(code: str) -> bool:
    return code.isdigit() and len(code) >= 11 and luhn_digit(code[:-1]) == code[-1]
