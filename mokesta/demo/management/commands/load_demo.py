"""Demo data for `make run`: the utility, news, tariffs, customers with contracts, meters and
13+ months of readings, a demo customer login, a staff login. Safe to run again: it does nothing
once the demo utility exists."""

import datetime as dt
import random
from typing import TextIO, cast

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from mokesta.accounts.models import User
from mokesta.billing.models import Tariff
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint
from mokesta.demo.billing import load_billing_demo
from mokesta.lib.dates import add_months, local_today, month_start
from mokesta.metering.models import Meter, Reading
from mokesta.news.models import Article
from mokesta.utility.models import Utility

DEMO_PASSWORD = "Demo2026pass"
CUSTOMER_EMAIL = "demo@mokesta.lt"
STAFF_EMAIL = "staff@mokesta.lt"
HISTORY_MONTHS = 14
# The README names this contract and payer code: valid, and linked by no account.
FREE_CONTRACT = ("VKU-2024-0107", "48811120123")

# (payer code, name, e-mail, address, contracts: [(number, category, start, meters, m³/month)])
CUSTOMERS = [
    (
        "39002150011",
        "Ona Kazlauskienė",
        CUSTOMER_EMAIL,
        "Liepų g. 3, Velžys",
        [
            ("VKU-2019-0031", "house", "2019-04-01", 2, 9),
            ("VKU-2021-0158", "apartment", "2021-09-01", 1, 4),
        ],
    ),
    (
        "38505230047",
        "Petras Jankauskas",
        "petras.j@example.lt",
        "Panevėžio g. 12-4, Krekenava",
        [("VKU-2018-0007", "apartment", "2018-01-01", 2, 6)],
    ),
    (
        "49107080033",
        "Rasa Žukauskienė",
        "rasa.zuk@example.lt",
        "Sodų g. 8, Švenčiuliškiai",
        [("VKU-2020-0090", "house", "2020-06-01", 3, 12)],
    ),
    (
        "35812310028",
        "Jonas Vaitkus",
        "",
        "Beržų g. 5, Velžys",
        [("VKU-2016-0002", "house", "2016-02-01", 1, 7)],
    ),
    (
        "48811120123",
        "Dalia Petrauskienė",
        "",
        "Smėlynės g. 40-12, Velžys",
        [(FREE_CONTRACT[0], "apartment", "2024-03-01", 1, 3)],
    ),
    (
        "47703140056",
        "Aušra Stankevičienė",
        "ausra.st@example.lt",
        "Krekenavos g. 21-7, Krekenava",
        [("VKU-2017-0044", "apartment", "2017-05-01", 1, 3)],
    ),
    (
        "36204250019",
        "Vytautas Balčiūnas",
        "v.balciunas@example.lt",
        "Ąžuolų g. 14, Švenčiuliškiai",
        [("VKU-2015-0012", "house", "2015-03-01", 3, 14)],
    ),
    (
        "49511020087",
        "Giedrė Mikalauskaitė",
        "giedre.m@example.lt",
        "Nevėžio g. 2-15, Velžys",
        [("VKU-2023-0210", "apartment", "2023-08-01", 2, 5)],
    ),
    (
        "38901170064",
        "Mindaugas Urbonas",
        "",
        "Pievų g. 9, Pažagieniai",
        [("VKU-2019-0120", "house", "2019-10-01", 2, 10)],
    ),
    (
        "45608300031",
        "Janina Grigienė",
        "janina.grigiene@example.lt",
        "Mokyklos g. 4-2, Krekenava",
        [("VKU-2014-0005", "apartment", "2014-01-01", 1, 2)],
    ),
    (
        "302555111",
        "UAB „Velžio kepyklėlė“",
        "info@kepykla.example.lt",
        "Vilniaus g. 1, Velžys",
        [("VKU-2022-0300", "company", "2022-01-01", 1, 25)],
    ),
]

TARIFFS = {  # (service, category): price without VAT, EUR
    ("water", "apartment"): "1.0200",
    ("wastewater", "apartment"): "1.3400",
    ("fee", "apartment"): "0.7800",
    ("water", "house"): "1.0200",
    ("wastewater", "house"): "1.3400",
    ("fee", "house"): "0.9500",
    ("water", "company"): "1.1100",
    ("wastewater", "company"): "1.5200",
    ("fee", "company"): "2.1000",
    # The lower monthly fee where no meter can be installed (contracts billed by the norm).
    ("fee_no_meter", "apartment"): "0.3900",
    ("fee_no_meter", "house"): "0.4700",
    ("fee_no_meter", "company"): "1.0500",
}

ARTICLES = [
    (
        "Vandens tiekimo pertrauka Liepų gatvėje",
        "vandens-tiekimo-pertrauka",
        "Dėl vandentiekio remonto darbų Liepų g. Velžyje vanduo nebus tiekiamas nuo 9 iki 13 val.",
        3,
    ),
    (
        "Primename deklaruoti skaitiklių rodmenis",
        "deklaruokite-rodmenis",
        "Vandens skaitiklių rodmenis deklaruokite iki kiekvieno mėnesio paskutinės dienos "
        "savitarnos svetainėje.",
        12,
    ),
    (
        "Nuo sausio keičiasi vandens kainos",
        "nauja-kaina",
        "Valstybinė energetikos reguliavimo taryba patvirtino naujas geriamojo vandens tiekimo "
        "ir nuotekų tvarkymo kainas.",
        40,
    ),
]


class Command(BaseCommand):
    help = "Load demo data (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if Utility.objects.exists():
            self.stdout.write("Demo data already loaded.")
        else:
            with transaction.atomic():
                self.load()
            self.load_billing()
            # Opted in to e-mail invoices only now: the back-filled history is not mailed out
            # (it would print 14 months of invoices with their PDFs on `make run`'s console).
            User.objects.filter(email=CUSTOMER_EMAIL).update(invoices_by_email=True)
        self.stdout.write(
            f"Demo logins (password {DEMO_PASSWORD}):\n"
            f"  customer: {CUSTOMER_EMAIL}\n  staff:    {STAFF_EMAIL} (/admin/)\n"
            f"  contract to link: {FREE_CONTRACT[0]}, payer code {FREE_CONTRACT[1]}"
        )

    def load(self) -> None:
        Utility.objects.create(
            name="VšĮ Velžio komunalinis ūkis",
            short_name="Velžio komunalinis ūkis",
            description=(
                "VšĮ Velžio komunalinis ūkis yra Panevėžio rajono savivaldybės viešoji įstaiga, "
                "teikianti komunalines paslaugas rajono gyventojams bei įstaigoms."
            ),
            address="Liepų g. 1, Velžys, LT-37171 Panevėžio r.",
            company_code="168547123",
            vat_code="LT685471219",
            iban="LT407300010012345678",
            bank_name="Swedbank, AB",
            payee_code="10482",
            invoice_series="VKU",
            phone="+370 45 512345",
            email="info@velziokomunalinis.lt",
        )
        now = timezone.now()
        for title, slug, body, days_ago in ARTICLES:
            Article.objects.create(
                title=title,
                slug=slug,
                summary=body[:140],
                body=body,
                published_at=now - dt.timedelta(days=days_ago),
            )
        start = add_months(month_start(local_today()), -HISTORY_MONTHS - 1)
        for (service, category), price in TARIFFS.items():
            Tariff.objects.create(service=service, category=category, price=price, valid_from=start)

        customer_user = self.make_user(CUSTOMER_EMAIL, "Ona", "Kazlauskienė", is_staff=False)
        self.make_user(STAFF_EMAIL, "Rūta", "Vaitkienė", is_staff=True)
        rng = random.Random(2026)  # noqa: S311 - demo numbers, not security
        for payer_code, name, email, address, contracts in CUSTOMERS:
            customer = Customer.objects.create(
                name=name, payer_code=payer_code, email=email, address=address
            )
            for number, category, started, meters, per_month in contracts:
                contract = Contract.objects.create(
                    number=number,
                    customer=customer,
                    category=category,
                    start_date=dt.date.fromisoformat(started),
                )
                if email == CUSTOMER_EMAIL:
                    ContractAccess.objects.create(
                        user=customer_user, contract=contract, via=ContractAccess.Via.EMAIL
                    )
                point = ServicePoint.objects.create(contract=contract, address=address)
                for i in range(meters):
                    # A house's third meter is on the garden-watering line (water only).
                    garden = category == "house" and i == 2
                    self.make_meter(
                        point,
                        f"{number[-4:]}{i + 1:02d}",
                        start,
                        max(1, per_month // 3) if garden else per_month,
                        rng,
                        garden=garden,
                    )

    def make_user(self, email: str, first: str, last: str, *, is_staff: bool) -> User:
        user = User.objects.create_user(
            email,
            DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            is_staff=is_staff,
            is_superuser=is_staff,
            rules_accepted_at=timezone.now(),
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    def make_meter(
        self,
        point: ServicePoint,
        serial: str,
        start: dt.date,
        per_month: int,
        rng: random.Random,
        *,
        garden: bool = False,
    ) -> None:
        meter = Meter.objects.create(
            service_point=point,
            serial_number=f"SK{serial}",
            garden=garden,
            # Older buildings still have 4-digit meters; newer ones 5 digits.
            digits=4 if rng.random() < 0.25 else 5,
            installed_on=start,
            verified_on=start,
            initial_reading=rng.randint(100, 900),
        )
        value = meter.initial_reading
        this_month = month_start(local_today())
        month = start
        while month < this_month:
            value += max(0, per_month + rng.randint(-2, 3))
            # Every fifth month is left undeclared: the billing run estimates it.
            if rng.random() > 0.2:
                Reading.objects.create(
                    meter=meter, period=month, value=value, source=Reading.Source.CUSTOMER
                )
            month = add_months(month, 1)

    def load_billing(self) -> None:
        """Bill the past months and record payments (mokesta/demo/billing.py)."""
        # OutputWrapper forwards to a TextIO (only write() is used) but is not typed as one.
        load_billing_demo(stdout=cast(TextIO, self.stdout))
