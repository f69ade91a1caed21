"""Bringing a utility's existing customers in (README "Data import"): the customer file
(customers, contracts, service points, meters, the latest reading, opening balances) and the
reading history file, one entry point for the command and the admin page's task.

Two passes over the file, so memory holds the keys, not the rows (a 300,000-row file):
1. **check**: every cell (rows.py), every row against the others (one contract's rows agree,
   one payer's rows agree, a meter serial on one row only, a meter's history never goes down)
   and against the database (a contract of another payer, a meter of another contract, a
   reading below an earlier one, a closed billing month), a chunk at a time. Every problem is
   reported with its row and column. A dry run stops here and writes nothing.
2. **write**, only when the check found nothing: the whole file in one transaction (all or
   nothing: a half-imported customer base is worse than none, and the check has already told
   the clerk everything to fix), a chunk of rows at a time with bulk queries. The contract
   number is the key: a customer by its payer code, a contract by its number, a meter by its
   serial are created when new and updated when something changed, so the same file twice
   changes nothing.
"""

import datetime as dt
import itertools
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mokesta.accounts.identity import email_key
from mokesta.billing.models import BillingPeriod, Invoice, Seller
from mokesta.billing.numbering import lock_sequence
from mokesta.billing.periods import period_for
from mokesta.customers.models import Contract, ContractAccess, Customer, ServicePoint
from mokesta.lib.dates import local_today, month_start
from mokesta.lib.money import ZERO
from mokesta.metering.models import Meter, Reading
from mokesta.onboarding import rows as R
from mokesta.onboarding import values
from mokesta.onboarding.files import CUSTOMERS, FileError, Sheet, open_sheet
from mokesta.onboarding.invitations import dedup_key, invitation
from mokesta.outbox.models import OutgoingMessage
from mokesta.outbox.queue import queue
from mokesta.payments.models import Payment
from mokesta.utility.models import Utility

CHUNK = 2000  # rows per chunk: bounded memory, few queries
IN_CHUNK = 900  # keys per IN (...) query (SQLite allows 999 parameters by default)
PROBLEMS_KEPT = 5000  # problems listed; a file with more is counted, not listed whole
OPENING_SERIES = "LIKUTIS"  # numbers of imported opening balances: LIKUTIS0000001
STAFF = Reading.Source.STAFF
ESTIMATE = Reading.Source.ESTIMATE

Progress = Callable[[str, int], None]


@dataclass
class Result:
    kind: str = ""
    rows: int = 0
    problems: list[R.Problem] = field(default_factory=list)
    problem_count: int = 0
    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    written: bool = False

    def add(self, problem: R.Problem) -> None:
        self.problem_count += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append(problem)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def summary(self) -> str:
        if not self.ok:
            return ngettext(
                "%(count)s problem found in %(rows)s rows; nothing was imported.",
                "%(count)s problems found in %(rows)s rows; nothing was imported.",
                self.problem_count,
            ) % {
                "count": self.problem_count,
                "rows": self.rows,
            }
        if not self.written:
            return _("%(rows)s rows checked, no problems found; nothing was written.") % {
                "rows": self.rows
            }
        done = ", ".join(f"{COUNT_LABELS()[k]}: {v}" for k, v in self.counts.items() if v)
        return _("%(rows)s rows imported. %(done)s") % {
            "rows": self.rows,
            "done": done or _("Nothing changed."),
        }


def COUNT_LABELS() -> dict[str, str]:  # noqa: N802 - a table, translated when read
    return {
        "customers_created": _("customers created"),
        "customers_updated": _("customers updated"),
        "contracts_created": _("contracts created"),
        "contracts_updated": _("contracts updated"),
        "meters_created": _("meters created"),
        "meters_updated": _("meters updated"),
        "meters_replaced": _("meters replaced (removed)"),
        "readings_created": _("readings created"),
        "readings_updated": _("readings updated"),
        "opening_balances": _("opening balances"),
        "opening_balances_kept": _("opening balances already imported (kept)"),
        "invitations": _("invitations queued"),
    }


def default_balance_date() -> dt.date:
    """The last day of the previous month: the old system's last closed month."""
    return month_start(local_today()) - dt.timedelta(days=1)


def import_file(
    *,
    data: bytes,
    dry_run: bool,
    invite: bool = False,
    balance_date: dt.date | None = None,
    progress: Progress | None = None,
) -> Result:
    """Check `data` (a customer or reading history file) and, unless `dry_run` or a problem
    was found, write it whole. `progress(phase, rows)` is told how far it got."""
    result = Result()
    report = progress or (lambda phase, done: None)
    try:
        sheet = open_sheet(data)
        result.kind = sheet.kind
        importer: _Customers | _History = (
            _Customers(balance_date or default_balance_date(), invite)
            if sheet.kind == CUSTOMERS
            else _History()
        )
        importer.check(sheet, result, report)
    except FileError as exc:
        result.add(R.Problem(1, "", str(exc)))
        return result
    finally:
        result.problems.sort(key=lambda problem: problem.row)  # stable: columns stay in order
    if dry_run or not result.ok:
        return result
    with transaction.atomic():
        importer.write(open_sheet(data), result, report)
    result.written = True
    return result


def _chunks(rows: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _in_chunks(keys: Iterable[Any]) -> Iterator[list[Any]]:
    return _chunks(keys, IN_CHUNK)


def _closed_months() -> set[dt.date]:
    return set(
        BillingPeriod.objects.filter(state=BillingPeriod.State.CLOSED).values_list(
            "month", flat=True
        )
    )


def _readings_of(meter_ids: Iterable[int]) -> dict[int, dict[dt.date, int]]:
    found: dict[int, dict[dt.date, int]] = defaultdict(dict)
    for ids in _in_chunks(meter_ids):
        for meter_id, period, value in Reading.objects.filter(meter_id__in=ids).values_list(
            "meter_id", "period", "value"
        ):
            found[meter_id][period] = value
    return found


def _going_down(
    readings: dict[dt.date, int], month: dt.date, value: int
) -> tuple[dt.date, int] | None:
    """The reading that `value` in `month` would contradict: a higher one before it or a lower
    one after it (the month's own is replaced)."""
    for period, other in sorted(readings.items()):
        if period < month and other > value or period > month and other < value:
            return period, other
    return None


# --- the customer file ------------------------------------------------------------------------


class _Customers:
    def __init__(self, balance_date: dt.date, invite: bool) -> None:
        self.balance_date = balance_date
        self.invite = invite
        # Cross-row state, keys only: contract -> (row, its fields' hash); payer -> (row, hash);
        # meter serial -> (row, contract number).
        self.contracts: dict[str, tuple[int, int]] = {}
        self.payers: dict[str, tuple[int, int]] = {}
        self.meters: dict[str, tuple[int, str]] = {}

    # pass 1 ------------------------------------------------------------------------------------

    def check(self, sheet: Sheet, result: Result, report: Progress) -> None:
        if self.balance_date > local_today():
            result.add(R.Problem(1, "", _("The opening balance date cannot be in the future.")))
        elif self.balance_date < values.EARLIEST:
            bounds = {"first": values.EARLIEST.isoformat(), "last": local_today().isoformat()}
            result.add(
                R.Problem(1, "", _("The date must be between %(first)s and %(last)s.") % bounds)
            )
        closed = _closed_months()
        for chunk in _chunks(sheet.rows):
            parsed = []
            for number, cells in chunk:
                row, problems = R.customer_row(sheet, number, cells)
                for problem in problems:
                    result.add(problem)
                if not problems:
                    self._across(sheet, row, result)
                    parsed.append(row)
            self._against_database(sheet, parsed, closed, result)
            result.rows += len(chunk)
            report("checked", result.rows)

    def _across(self, sheet: Sheet, row: R.CustomerRow, result: Result) -> None:
        h = sheet.headers
        seen = self.contracts.get(row.contract_number)
        if seen is None:
            self.contracts[row.contract_number] = (row.row, hash(row.contract_fields()))
        elif seen[1] != hash(row.contract_fields()):
            result.add(
                R.Problem(
                    row.row,
                    h["contract_number"],
                    _(
                        "The contract's details (payer, address, category, start, residents, "
                        "opening balance) differ from its row %(row)s."
                    )
                    % {"row": seen[0]},
                )
            )
        seen = self.payers.get(row.payer_code)
        if seen is None:
            self.payers[row.payer_code] = (row.row, hash(row.customer_fields()))
        elif seen[1] != hash(row.customer_fields()):
            result.add(
                R.Problem(
                    row.row,
                    h["payer_code"],
                    _(
                        "The payer's details (type, name, codes, e-mail, phone) differ from "
                        "its row %(row)s."
                    )
                    % {"row": seen[0]},
                )
            )
        if row.meter_serial:
            other = self.meters.get(row.meter_serial)
            if other is None:
                self.meters[row.meter_serial] = (row.row, row.contract_number)
            else:
                result.add(
                    R.Problem(
                        row.row,
                        h["meter_serial"],
                        _("The meter %(serial)s is already on row %(row)s (contract %(number)s).")
                        % {"serial": row.meter_serial, "row": other[0], "number": other[1]},
                    )
                )

    def _against_database(
        self, sheet: Sheet, rows: list[R.CustomerRow], closed: set[dt.date], result: Result
    ) -> None:
        h = sheet.headers
        payer_of = dict(
            Contract.objects.filter(number__in={r.contract_number for r in rows}).values_list(
                "number", "customer__payer_code"
            )
        )
        meters = {
            serial: (pk, number)
            for pk, serial, number in Meter.objects.filter(
                serial_number__in={r.meter_serial for r in rows if r.meter_serial}
            ).values_list("pk", "serial_number", "service_point__contract__number")
        }
        readings = _readings_of(pk for pk, _number in meters.values())
        for row in rows:
            payer = payer_of.get(row.contract_number)
            if payer is not None and payer != row.payer_code:
                result.add(
                    R.Problem(
                        row.row,
                        h["payer_code"],
                        _(
                            "Contract %(number)s belongs to payer %(payer)s in the system; a "
                            "change of payer is made in the admin."
                        )
                        % {"number": row.contract_number, "payer": payer},
                    )
                )
            meter = meters.get(row.meter_serial)
            if meter is not None and meter[1] != row.contract_number:
                result.add(
                    R.Problem(
                        row.row,
                        h["meter_serial"],
                        _("The meter %(serial)s belongs to contract %(number)s in the system.")
                        % {"serial": row.meter_serial, "number": meter[1]},
                    )
                )
            month = row.reading_month
            if month is None or row.reading is None:
                continue
            known = readings.get(meter[0], {}) if meter else {}
            clash = _going_down(known, month, row.reading)
            if clash is not None:
                result.add(
                    R.Problem(
                        row.row,
                        h["reading"],
                        _("The reading %(value)s contradicts the reading %(other)s of %(month)s.")
                        % {"value": row.reading, "other": clash[1], "month": f"{clash[0]:%Y-%m}"},
                    )
                )
            if month in closed and known.get(month) != row.reading:
                result.add(
                    R.Problem(
                        row.row,
                        h["reading_date"],
                        _(
                            "The billing period %(month)s is closed: its readings can no longer "
                            "be changed."
                        )
                        % {"month": f"{month:%Y-%m}"},
                    )
                )

    # pass 2 ------------------------------------------------------------------------------------

    def write(self, sheet: Sheet, result: Result, report: Progress) -> None:
        self.done_payers: set[str] = set()
        self.done_contracts: set[str] = set()
        self.new_meter_since: dict[int, dt.date] = {}  # contract id -> a new meter's install
        self.opening_numbers: Any = None
        self.period: BillingPeriod | None = None
        self.seller: Seller | None = None
        written = 0
        for chunk in _chunks(sheet.rows):
            rows = [R.customer_row(sheet, number, cells)[0] for number, cells in chunk]
            self._write_chunk(rows, result.counts)
            written += len(rows)
            report("written", written)
        self._replace_meters(result.counts)
        if self.opening_numbers is not None:
            self.opening_numbers.save(update_fields=["last_number"])

    def _write_chunk(self, rows: list[R.CustomerRow], counts: dict[str, int]) -> None:
        customers = self._customers(rows, counts)
        contracts = self._contracts(rows, customers, counts)
        points = self._service_points(rows, contracts)
        meters = self._meters(rows, contracts, points, counts)
        self._readings(rows, meters, counts)
        firsts: dict[str, R.CustomerRow] = {}
        for row in rows:
            if row.contract_number not in self.done_contracts:
                firsts.setdefault(row.contract_number, row)
        self.done_contracts.update(firsts)
        self._opening_balances(firsts, contracts, customers, points, counts)
        if self.invite:
            self._invitations(firsts, contracts, counts)

    def _customers(self, rows: list[R.CustomerRow], counts: dict[str, int]) -> dict[str, Customer]:
        """Each payer's customer, created or updated from the payer's first row in the file."""
        codes = {r.payer_code for r in rows}
        found = {c.payer_code: c for c in Customer.objects.filter(payer_code__in=codes)}
        new, changed = [], []
        for row in rows:
            if row.payer_code in self.done_payers:
                continue
            self.done_payers.add(row.payer_code)
            wanted = {
                "name": row.customer_name,
                "email": row.email,
                "phone": row.phone,
                "address": row.address,
                "company_code": row.company_code,
                "vat_code": row.vat_code,
                "sabis": row.customer_type == R.PUBLIC_BODY,
            }
            customer = found.get(row.payer_code)
            if customer is None:
                customer = Customer(payer_code=row.payer_code, **wanted)
                new.append(customer)
                found[row.payer_code] = customer
            elif any(str(getattr(customer, k)) != str(v) for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(customer, key, value)
                changed.append(customer)
        for customer in new + changed:
            # save() computes it; bulk writes must (customers/models.py).
            customer.email_key = email_key_of(customer.email)
        Customer.objects.bulk_create(new)
        if changed:
            Customer.objects.bulk_update(changed, [*CUSTOMER_FIELDS, "email_key"])
        counts["customers_created"] += len(new)
        counts["customers_updated"] += len(changed)
        return found

    def _contracts(
        self, rows: list[R.CustomerRow], customers: dict[str, Customer], counts: dict[str, int]
    ) -> dict[str, Contract]:
        numbers = {r.contract_number for r in rows}
        found = {c.number: c for c in Contract.objects.filter(number__in=numbers)}
        new, changed = [], []
        handled = set()
        for row in rows:
            if row.contract_number in self.done_contracts or row.contract_number in handled:
                continue
            handled.add(row.contract_number)
            wanted = {
                "start_date": row.contract_start,
                "category": row.category,
                "residents": row.residents,
            }
            contract = found.get(row.contract_number)
            if contract is None:
                contract = Contract(
                    number=row.contract_number, customer=customers[row.payer_code], **wanted
                )
                new.append(contract)
                found[row.contract_number] = contract
            elif any(getattr(contract, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(contract, key, value)
                changed.append(contract)
        Contract.objects.bulk_create(new)
        if changed:
            Contract.objects.bulk_update(changed, ["start_date", "category", "residents"])
        counts["contracts_created"] += len(new)
        counts["contracts_updated"] += len(changed)
        return found

    def _service_points(
        self, rows: list[R.CustomerRow], contracts: dict[str, Contract]
    ) -> dict[int, ServicePoint]:
        """Each contract's service point (the first one; created with the row's address)."""
        ids = {contracts[r.contract_number].pk for r in rows}
        found: dict[int, ServicePoint] = {}
        for known in ServicePoint.objects.filter(contract_id__in=ids).order_by("-pk"):
            found[known.contract_id] = known  # the lowest pk wins
        new: list[ServicePoint] = []
        changed: list[ServicePoint] = []
        for row in rows:
            contract = contracts[row.contract_number]
            point = found.get(contract.pk)
            if point is None:
                point = ServicePoint(contract=contract, address=row.address)
                new.append(point)
                found[contract.pk] = point
            elif point.address != row.address and point not in new and point not in changed:
                point.address = row.address
                changed.append(point)
        ServicePoint.objects.bulk_create(new)
        if changed:
            ServicePoint.objects.bulk_update(changed, ["address"])
        return found

    def _meters(
        self,
        rows: list[R.CustomerRow],
        contracts: dict[str, Contract],
        points: dict[int, ServicePoint],
        counts: dict[str, int],
    ) -> dict[str, Meter]:
        serials = {r.meter_serial for r in rows if r.meter_serial}
        found = {m.serial_number: m for m in Meter.objects.filter(serial_number__in=serials)}
        new, changed = [], []
        for row in rows:
            if not row.meter_serial:
                continue
            assert row.meter_installed_on and row.meter_verified_on  # checked in pass 1
            wanted = {
                "kind": row.meter_kind,
                "digits": row.meter_digits,
                "installed_on": row.meter_installed_on,
                "verified_on": row.meter_verified_on,
            }
            meter = found.get(row.meter_serial)
            if meter is None:
                contract = contracts[row.contract_number]
                # A meter read on the day it was installed starts from that reading.
                fresh = row.reading is not None and row.reading_date == row.meter_installed_on
                meter = Meter(
                    serial_number=row.meter_serial,
                    service_point=points[contract.pk],
                    initial_reading=row.reading if fresh and row.reading is not None else 0,
                    **wanted,
                )
                new.append(meter)
                found[row.meter_serial] = meter
                since = self.new_meter_since.get(contract.pk)
                if since is None or row.meter_installed_on < since:
                    self.new_meter_since[contract.pk] = row.meter_installed_on
            elif any(getattr(meter, k) != v for k, v in wanted.items()):
                for key, value in wanted.items():
                    setattr(meter, key, value)
                changed.append(meter)
        Meter.objects.bulk_create(new)
        if changed:
            Meter.objects.bulk_update(changed, ["kind", "digits", "installed_on", "verified_on"])
        counts["meters_created"] += len(new)
        counts["meters_updated"] += len(changed)
        return found

    def _readings(
        self, rows: list[R.CustomerRow], meters: dict[str, Meter], counts: dict[str, int]
    ) -> None:
        wanted = {
            (meters[r.meter_serial].pk, r.reading_month): r.reading
            for r in rows
            if r.meter_serial and r.reading is not None and r.reading_month is not None
        }
        write_readings(wanted, {}, counts)

    def _replace_meters(self, counts: dict[str, int]) -> None:
        """A contract that got a new meter: its meters in use that the file does not list are
        removed the day before the new one was installed (a meter replacement)."""
        for ids in _in_chunks(list(self.new_meter_since)):
            olds = Meter.objects.filter(
                service_point__contract_id__in=ids, removed_on__isnull=True
            ).values_list("pk", "serial_number", "service_point__contract_id", "installed_on")
            for pk, serial, contract_id, installed_on in olds:
                removed_on = self.new_meter_since[contract_id] - dt.timedelta(days=1)
                if serial in self.meters or installed_on > removed_on:
                    continue
                Meter.objects.filter(pk=pk).update(removed_on=removed_on)
                counts["meters_replaced"] += 1

    def _opening_balances(
        self,
        firsts: dict[str, R.CustomerRow],
        contracts: dict[str, Contract],
        customers: dict[str, Customer],
        points: dict[int, ServicePoint],
        counts: dict[str, int],
    ) -> None:
        """One opening entry per contract, never a second one: a debt is an opening document
        the ledger sums like an invoice (due on the balance date, so interest runs from the
        next day); an overpayment is a payment from source „opening"."""
        owing = {n: r for n, r in firsts.items() if r.opening_balance != ZERO}
        if not owing:
            return
        ids = {contracts[n].pk for n in owing}
        has = set(
            Invoice.objects.filter(contract_id__in=ids, kind=Invoice.Kind.OPENING).values_list(
                "contract_id", flat=True
            )
        ) | set(
            Payment.objects.filter(contract_id__in=ids, source=Payment.Source.OPENING).values_list(
                "contract_id", flat=True
            )
        )
        debts, credits = [], []
        day = self.balance_date
        for number, row in owing.items():
            contract = contracts[number]
            if contract.pk in has:
                counts["opening_balances_kept"] += 1
                continue
            if row.opening_balance < 0:
                credits.append(
                    Payment(
                        contract=contract,
                        amount=-row.opening_balance,
                        paid_on=day,
                        source=Payment.Source.OPENING,
                        details=_("Opening balance"),
                    )
                )
                continue
            if self.opening_numbers is None:
                self.opening_numbers = lock_sequence(OPENING_SERIES)
                self.period = period_for(day)
                # An opening document keeps the seller's details like any issued document.
                self.seller = Seller.of(Utility.fresh())
            self.opening_numbers.last_number += 1
            sequence = self.opening_numbers.last_number
            customer = customers[row.payer_code]
            document = f"{OPENING_SERIES}{sequence:07d}"
            debts.append(
                Invoice(
                    series=OPENING_SERIES,
                    sequence=sequence,
                    number=document,
                    kind=Invoice.Kind.OPENING,
                    seller=self.seller,
                    contract=contract,
                    contract_number=contract.number,
                    period=self.period,
                    issue_date=day,
                    due_date=day,
                    customer_name=customer.name,
                    customer_address=customer.address,
                    payer_code=customer.payer_code,
                    service_address=points[contract.pk].address,
                    net=row.opening_balance,
                    vat=ZERO,
                    total=row.opening_balance,
                    previous_balance=ZERO,
                    interest=ZERO,
                    amount_due=row.opening_balance,
                    payment_code=document,
                )
            )
        Invoice.objects.bulk_create(debts)
        Payment.objects.bulk_create(credits)
        counts["opening_balances"] += len(debts) + len(credits)

    def _invitations(
        self,
        firsts: dict[str, R.CustomerRow],
        contracts: dict[str, Contract],
        counts: dict[str, int],
    ) -> None:
        """One e-mail per contract whose customer has an address and nobody has linked yet;
        the dedup key makes it once per contract however many imports."""
        with_email = {n: r for n, r in firsts.items() if r.email}
        linked = set(
            ContractAccess.objects.filter(
                contract_id__in=[contracts[n].pk for n in with_email]
            ).values_list("contract_id", flat=True)
        )
        wanted = {n: r for n, r in with_email.items() if contracts[n].pk not in linked}
        sent = set(
            OutgoingMessage.objects.filter(
                dedup_key__in=[dedup_key(n) for n in wanted]
            ).values_list("dedup_key", flat=True)
        )
        messages = [
            invitation(email=r.email, name=r.customer_name, contract_number=n)
            for n, r in wanted.items()
            if dedup_key(n) not in sent
        ]
        queue(messages)
        counts["invitations"] += len(messages)


CUSTOMER_FIELDS = ["name", "email", "phone", "address", "company_code", "vat_code", "sabis"]


def email_key_of(address: str) -> str:
    return email_key(address) if address else ""


def write_readings(
    wanted: dict[tuple[int, dt.date], int],
    estimated: dict[tuple[int, dt.date], bool],
    counts: dict[str, int],
) -> None:
    """Create or update the readings (meter id, month) -> value; an equal one is left alone.
    Actual readings are entered by staff (they count like declared ones); `estimated` marks
    the old system's estimates, which averages leave out like ours."""
    if not wanted:
        return
    months = {month for _pk, month in wanted}
    existing: dict[tuple[int, dt.date], Reading] = {}
    for ids in _in_chunks({pk for pk, _month in wanted}):
        for known in Reading.objects.filter(meter_id__in=ids, period__in=months).only(
            "pk", "meter_id", "period", "value", "source"
        ):
            existing[(known.meter_id, known.period)] = known
    new: list[Reading] = []
    changed: list[Reading] = []
    for key, value in wanted.items():
        source = ESTIMATE if estimated.get(key) else STAFF
        reading = existing.get(key)
        if reading is None:
            new.append(Reading(meter_id=key[0], period=key[1], value=value, source=source))
        elif reading.value != value or (reading.source == ESTIMATE) != (source == ESTIMATE):
            reading.value, reading.source = value, source
            changed.append(reading)
    Reading.objects.bulk_create(new)
    if changed:
        Reading.objects.bulk_update(changed, ["value", "source"])
    counts["readings_created"] += len(new)
    counts["readings_updated"] += len(changed)


# --- the reading history file -----------------------------------------------------------------


def _month_index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def _index_month(index: int) -> dt.date:
    return dt.date(index // 12, index % 12 + 1, 1)


class _History:
    """meter_serial, period, reading, estimated: readings of meters already in the system."""

    def __init__(self) -> None:
        self.meter_of: dict[str, tuple[int, int, int]] = {}  # serial -> (id, digits, installed)
        # Per meter, its readings in the file packed as month index << 32 | row number, and
        # each row's value: a 1,800,000-reading file in tens of MB, not hundreds.
        self.by_meter: dict[int, array] = defaultdict(lambda: array("q"))
        self.value_at = array("q")  # by row number: 8 bytes a row
        self.in_closed: set[int] = set()  # rows of a closed month

    def check(self, sheet: Sheet, result: Result, report: Progress) -> None:
        h = sheet.headers
        closed = _closed_months()
        for chunk in _chunks(sheet.rows):
            parsed = []
            for number, cells in chunk:
                row, problems = R.history_row(sheet, number, cells)
                for problem in problems:
                    result.add(problem)
                if not problems:
                    parsed.append(row)
            unknown = {r.meter_serial for r in parsed} - set(self.meter_of)
            for ids in _in_chunks(unknown):
                for pk, serial, digits, installed_on in Meter.objects.filter(
                    serial_number__in=ids
                ).values_list("pk", "serial_number", "digits", "installed_on"):
                    self.meter_of[serial] = (pk, digits, _month_index(installed_on))
            for row in parsed:
                meter = self.meter_of.get(row.meter_serial)
                if meter is None:
                    result.add(
                        R.Problem(
                            row.row,
                            h["meter_serial"],
                            _("No meter %(serial)s in the system: import the customer file first.")
                            % {"serial": row.meter_serial},
                        )
                    )
                    continue
                pk, digits, installed = meter
                if row.reading > 10**digits - 1:
                    result.add(
                        R.Problem(
                            row.row,
                            h["reading"],
                            _("The meter has %(digits)s digits: at most %(max)s.")
                            % {"digits": digits, "max": 10**digits - 1},
                        )
                    )
                    continue
                if _month_index(row.period) < installed:
                    result.add(
                        R.Problem(
                            row.row, h["period"], _("The meter was not installed yet that month.")
                        )
                    )
                    continue
                self.by_meter[pk].append(_month_index(row.period) << 32 | row.row)
                if len(self.value_at) <= row.row:
                    self.value_at.frombytes(bytes(8 * (row.row + 1 - len(self.value_at))))
                self.value_at[row.row] = row.reading
                if row.period in closed:
                    self.in_closed.add(row.row)  # checked against the database below
            result.rows += len(chunk)
            report("checked", result.rows)
        self._across(sheet, closed, result)

    def _across(self, sheet: Sheet, closed: set[dt.date], result: Result) -> None:
        """Each meter's readings, the file's with the database's, in month order: never down,
        one per month, none changed in a closed month."""
        h = sheet.headers
        for ids in _in_chunks(list(self.by_meter)):
            known = _readings_of(ids)
            for pk in ids:
                packed = sorted(self.by_meter[pk])
                mine: dict[int, int] = {}
                for item in packed:
                    month, row = item >> 32, item & 0xFFFFFFFF
                    if month in mine:
                        result.add(
                            R.Problem(
                                row,
                                h["period"],
                                _("The meter's reading for this month is already on row %(row)s.")
                                % {"row": mine[month]},
                            )
                        )
                        continue
                    mine[month] = row
                    day = _index_month(month)
                    if row in self.in_closed and known[pk].get(day) != self.value_at[row]:
                        result.add(
                            R.Problem(
                                row,
                                h["period"],
                                _(
                                    "The billing period %(month)s is closed: its readings can "
                                    "no longer be changed."
                                )
                                % {"month": f"{day:%Y-%m}"},
                            )
                        )
                merged: dict[int, tuple[int, int | None]] = {
                    _month_index(day): (value, None) for day, value in known.get(pk, {}).items()
                }
                merged.update({m: (self.value_at[row], row) for m, row in mine.items()})
                last: tuple[int, int, int | None] | None = None
                for month in sorted(merged):
                    value, row = merged[month]
                    if last is not None and value < last[1]:
                        blame = row if row is not None else last[2]
                        assert blame is not None  # the database's own never go down
                        result.add(
                            R.Problem(
                                blame,
                                h["reading"],
                                _(
                                    "The readings go down: %(value)s in %(month)s after "
                                    "%(before)s in %(earlier)s."
                                )
                                % {
                                    "value": value,
                                    "month": f"{_index_month(month):%Y-%m}",
                                    "before": last[1],
                                    "earlier": f"{_index_month(last[0]):%Y-%m}",
                                },
                            )
                        )
                    last = (month, value, row)

    def write(self, sheet: Sheet, result: Result, report: Progress) -> None:
        written = 0
        self.by_meter.clear()
        self.value_at = array("q")
        self.in_closed.clear()
        for chunk in _chunks(sheet.rows):
            wanted: dict[tuple[int, dt.date], int] = {}
            estimated: dict[tuple[int, dt.date], bool] = {}
            for number, cells in chunk:
                row = R.history_row(sheet, number, cells)[0]
                key = (self.meter_of[row.meter_serial][0], row.period)
                wanted[key] = row.reading
                estimated[key] = row.estimated
            write_readings(wanted, estimated, result.counts)
            written += len(chunk)
            report("written", written)
