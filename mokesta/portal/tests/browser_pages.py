"""The pages of the site for the browser checks (phone layout, axe): public, account and
customer pages, with the demo data, logged in as the demo customer."""

import io

from django.core.management import call_command
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.billing.models import Invoice
from mokesta.customers.models import Contract
from mokesta.inquiries.models import Inquiry
from mokesta.inquiries.workflow import answer, submit_inquiry
from mokesta.metering.models import Meter, Reading
from mokesta.news.models import Article
from mokesta.outbox.models import OutgoingMessage

DEMO_LOGIN = ("demo@mokesta.lt", "Demo2026pass")


def public_pages() -> list[str]:
    article = Article.objects.published().first()
    pages = [
        reverse("portal:home"),
        reverse("portal:rules"),
        reverse("portal:help"),
        reverse("news:list"),
        reverse("account_login"),
        reverse("account_signup"),
        reverse("account_reset_password"),
    ]
    if article is not None:
        pages.append(reverse("news:detail", args=[article.slug]))
    return pages


def customer_pages() -> list[str]:
    contract = Contract.objects.filter(accesses__user__email=DEMO_LOGIN[0]).order_by("number")[0]
    meter = Meter.objects.filter(service_point__contract=contract).order_by("pk")[0]
    reading = Reading.objects.filter(meter=meter).order_by("-period")[0]
    invoice = Invoice.objects.filter(contract=contract, kind="invoice").order_by("-issue_date")[0]
    inquiry, message = answered_inquiry(contract)
    return [
        reverse("portal:dashboard"),
        reverse("customers:link"),
        reverse("customers:contract", args=[contract.pk]),
        reverse("metering:declare_pick"),
        reverse("metering:declare", args=[contract.pk]),
        reverse("metering:meter", args=[meter.pk]),
        reverse("metering:reading", args=[reading.pk]),
        reverse("metering:consumption", args=[contract.pk]),
        reverse("billing:list"),
        reverse("billing:detail", args=[invoice.pk]),
        reverse("payments:list", args=[contract.pk]),
        reverse("payments:pay", args=[contract.pk]),
        reverse("payments:pay_all"),
        reverse("inquiries:list"),
        reverse("inquiries:new"),
        reverse("inquiries:detail", args=[inquiry.pk]),
        reverse("inquiries:messages"),
        reverse("inquiries:message", args=[message.pk]),
        reverse("accounts:profile"),
        reverse("accounts:profile_delete"),
        reverse("accounts:api_tokens"),
        reverse("account_change_password"),
        reverse("account_email"),
        reverse("customers:away", args=[contract.pk]),  # last: the checks above index the list
    ]


def answered_inquiry(contract: Contract) -> tuple[Inquiry, OutgoingMessage]:
    """A request of the demo customer with the utility's answer (and so a message to list)."""
    user = User.objects.get(email=DEMO_LOGIN[0])
    inquiry = Inquiry.objects.filter(user=user).first() or submit_inquiry(
        user=user, contract=contract, topic="other", text="Ar galiu mokėti kas ketvirtį?", photos=[]
    )
    staff = User.objects.filter(is_staff=True).order_by("pk")[0]
    answer(inquiry=inquiry, staff=staff, text="Taip, mokėti galima ir rečiau.")
    return inquiry, OutgoingMessage.objects.filter(user=user).order_by("-pk")[0]


def load_demo() -> None:
    call_command("load_demo", stdout=io.StringIO())


def log_in(page, base: str) -> None:
    page.goto(base + reverse("account_login"))
    page.fill("input[name=login]", DEMO_LOGIN[0])
    page.fill("input[name=password]", DEMO_LOGIN[1])
    page.locator("form:has(input[name=login]) [type=submit]").click()
    page.wait_for_url("**/savitarna/")


def open_declaration_check(page, base: str) -> None:
    """The declaration's second step, with an unusual reading: the warning box and the cost."""
    contract = Contract.objects.filter(accesses__user__email=DEMO_LOGIN[0]).order_by("number")[0]
    page.goto(base + reverse("metering:declare", args=[contract.pk]))
    field = page.locator("input[name^=meter_]").first
    meter = Meter.objects.get(pk=field.get_attribute("name").removeprefix("meter_"))
    last = Reading.objects.filter(meter=meter).order_by("-period")[0]
    field.fill(str(last.value + 90))
    page.get_by_role("button", name="Toliau: peržiūrėti kainą").click()
    page.locator(".warning-box").wait_for()


def open_signup_errors(page, base: str) -> None:
    page.goto(base + reverse("account_signup"))
    page.get_by_role("main").get_by_role("button", name="Registruotis").click()
    page.locator(".error-summary").wait_for()
