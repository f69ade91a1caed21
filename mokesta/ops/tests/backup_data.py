"""Data for the backup test, written by `manage.py shell` into its own database: the demo data,
the stored PDFs of the demo customer's invoices and a customer request with a photo."""

from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.billing.pdf import invoice_pdf_bytes
from mokesta.customers.models import ContractAccess
from mokesta.inquiries.photos import CleanPhoto
from mokesta.inquiries.workflow import submit_inquiry
from mokesta.testing.photos import png_bytes

DEMO = "demo@mokesta.lt"
DEMO_PASSWORD = "Demo2026pass"


def populate() -> None:
    from django.core.management import call_command

    call_command("load_demo")
    user = User.objects.get(email=DEMO)
    contracts = [a.contract for a in ContractAccess.objects.filter(user=user)]
    for invoice in Invoice.objects.filter(contract__in=contracts).order_by("pk")[:4]:
        invoice_pdf_bytes(invoice)
    submit_inquiry(
        user=user,
        contract=contracts[0],
        topic="other",
        text="Nuotrauka skaitiklio",
        photos=[CleanPhoto(png_bytes((64, 48)), "image/png", "png")],
    )
