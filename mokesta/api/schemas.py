"""What the API answers, as pydantic schemas (the OpenAPI description is generated from them).
Amounts are decimal strings with two places ("12.30"), dates ISO 8601, months the first day."""

import datetime as dt
from decimal import Decimal
from typing import Annotated

from ninja import Schema
from pydantic import BaseModel, Field

from mokesta.lib.money import round_money

Money = Annotated[str, Field(pattern=r"^-?[0-9]+\.[0-9]{2}$", examples=["12.30"])]
Quantity = Annotated[str, Field(pattern=r"^-?[0-9]+(\.[0-9]+)?$", examples=["5.000"])]


class Out(BaseModel):
    """An answer: a plain pydantic model (ninja's Schema would wrap each nested object to read
    ORM attributes, which the answers, built as dicts, do not need: 1 ms on a 24-month list)."""


def money(value: Decimal | int) -> str:
    return f"{round_money(value):.2f}"


class Page(Out):
    count: int = Field(description="Items in all pages.")
    page: int
    pages: int


class ContractOut(Out):
    id: int
    number: str
    category: str = Field(description="apartment, house or company.")
    category_label: str
    start_date: dt.date
    end_date: dt.date | None
    addresses: list[str]
    balance: Money = Field(description="Invoices minus payments: positive owed, negative advance.")
    amount_due_now: Money = Field(description="What is to be paid now (0.00 when nothing is).")
    overdue: Money = Field(description="The part of amount_due_now past its due date.")
    due_by: dt.date | None = Field(description="When the part not yet overdue is due.")


class ContractPage(Page):
    items: list[ContractOut]


class MeterOut(Out):
    id: int
    serial_number: str
    name: str
    kind: str = Field(description="apartment, house or building_inlet (verification interval).")
    garden: bool = Field(description="A garden-watering meter: billed for water only.")
    installed_on: dt.date
    verification_due: dt.date


class ServicePointOut(Out):
    address: str
    meters: list[MeterOut]


class ContractDetail(Out):
    id: int
    number: str
    category: str
    category_label: str
    start_date: dt.date
    end_date: dt.date | None
    customer_name: str
    payer_code: str
    service_points: list[ServicePointOut]


class ReadingOut(Out):
    meter_id: int
    serial_number: str
    period: dt.date = Field(description="The month (its first day).")
    value: int = Field(description="Whole m³.")
    source: str = Field(description="customer, staff, replacement or estimate.")
    estimated: bool


class ReadingPage(Page):
    items: list[ReadingOut]


class MonthOut(Out):
    month: dt.date
    m3: int | None = Field(description="None: no reading for the month, or not in service.")
    estimated: bool


class MeterConsumption(Out):
    meter_id: int
    serial_number: str
    months: list[MonthOut]


class ConsumptionOut(Out):
    contract_id: int
    meters: list[MeterConsumption]


class InvoiceOut(Out):
    id: int
    number: str
    kind: str = Field(description="invoice or credit_note.")
    period: dt.date
    issue_date: dt.date
    due_date: dt.date
    total: Money
    amount_due: Money = Field(description="What the notice asked, at issue.")
    state: str = Field(description="paid, unpaid, credited or credit_note.")
    unpaid: Money = Field(description="What paying this invoice takes now.")
    corrects: str | None = Field(description="The invoice a credit note corrects.")


class InvoicePage(Page):
    items: list[InvoiceOut]


class LineOut(Out):
    description: str
    quantity: Quantity
    unit: str
    unit_price: Annotated[str, Field(examples=["1.2345"])]
    net: Money
    vat: Money
    total: Money


class PaymentDetails(Out):
    payee: str
    iban: str
    bank_name: str
    payee_code: str
    payment_code: str
    payer_code: str
    amount: Money
    details: str = Field(description="What to write in the payment's details.")
    epc_qr: str = Field(description="The EPC QR (SEPA credit transfer) payload.")


class InvoiceDetail(InvoiceOut):
    contract_number: str
    customer_name: str
    customer_address: str
    net: Money
    vat: Money
    interest: Money
    previous_balance: Money
    payment_code: str
    payer_code: str
    lines: list[LineOut]
    payment: PaymentDetails | None = Field(description="None when nothing is to be paid.")
    pdf: str = Field(description="The PDF's URL.")


class PaymentOut(Out):
    id: int
    paid_on: dt.date
    amount: Money
    source: str


class PaymentPage(Page):
    items: list[PaymentOut]


class MessageOut(Out):
    id: int
    channel: str = Field(description="email or sms.")
    subject: str
    state: str
    created_at: dt.datetime
    sent_at: dt.datetime | None


class MessagePage(Page):
    items: list[MessageOut]


class ReadingIn(Schema):
    meter_id: int
    value: int | str = Field(description="Whole m³ (a number, or its digits as text).")


class DeclarationIn(Schema):
    month: dt.date | None = Field(
        None, description="The month declared (its first day); the current month when omitted."
    )
    readings: list[ReadingIn]
    confirm_unusual: bool = Field(
        False,
        description="Confirms readings the portal would warn about (unusually high "
        "consumption); without it such a declaration is answered 422 confirmation-required.",
    )


class CostOut(Out):
    net: Money
    vat: Money
    total: Money


class DeclarationOut(Out):
    month: dt.date
    readings: list[ReadingOut]
    estimated_cost: CostOut = Field(description="This month's charge at today's prices.")
