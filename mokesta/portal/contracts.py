import datetime as dt
from html import escape  # the standard one: Django's adds a lazy-string check per call
from typing import NamedTuple

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.limits import too_many_requests
from mokesta.billing.einvoice_status import einvoice_status
from mokesta.customers import linking
from mokesta.customers.access import user_contract
from mokesta.customers.forms import LinkContractForm
from mokesta.customers.models import Contract
from mokesta.metering.models import verification_due
from mokesta.portal.rows import day, pk_url


@login_required
def link(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LinkContractForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contract = linking.link_by_code(
                request=request,
                user=request.user,
                number=form.cleaned_data["number"],
                payer_code=form.cleaned_data["payer_code"],
            )
        except linking.TooManyAttempts as refused:
            return too_many_requests(request, reason="link", retry_after=refused.retry_after)
        except linking.LinkRefused:
            form.add_error(
                None,
                _(
                    "No valid contract matches this contract number and payer code. "
                    "Check both and try again."
                ),
            )
        else:
            messages.success(request, _("Contract %(number)s is linked.") % {"number": contract})
            return redirect("portal:dashboard")
    return render(request, "customers/link.html", {"form": form})


# The contract, if the user has access to it, with its customer, its service points and all
# their meters (removed ones too), a row per meter (one for a service point without any): one
# query of plain rows where the ORM made three and took longer to build them than the database
# to answer. Django's default table names; no decimal column.
CONTRACT_SQL = """
    SELECT c.number, c.category, c.start_date, c.end_date, cu.name, cu.payer_code,
           p.id, p.address, m.id, m.serial_number, m.garden, m.installed_on, m.kind, m.verified_on
    FROM customers_contract c
    JOIN customers_contractaccess a ON a.contract_id = c.id AND a.user_id = %s
    JOIN customers_customer cu ON cu.id = c.customer_id
    LEFT JOIN customers_servicepoint p ON p.contract_id = c.id
    LEFT JOIN metering_meter m ON m.service_point_id = p.id
    WHERE c.id = %s
    ORDER BY p.id, m.serial_number
"""


class ContractRow(NamedTuple):
    pk: int
    number: str
    category: str
    start_date: dt.date
    end_date: dt.date | None
    customer_name: str
    payer_code: str

    def get_category_display(self) -> str:
        return str(dict(Contract.Category.choices).get(self.category, self.category))


class MeterRow(NamedTuple):
    pk: int
    serial_number: str
    garden: bool
    installed_on: dt.date
    kind: str
    verified_on: dt.date


@login_required
def contract_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(CONTRACT_SQL, [request.user.pk, pk])
        rows = cursor.fetchall()
    if not rows:
        raise Http404
    contract = ContractRow(pk, *rows[0][:6])
    # Each service point's address and meters, in the order of the query.
    points: dict[int, tuple[str, list[MeterRow]]] = {}
    for *_contract, point, address, meter, serial, garden, installed, kind, verified in rows:
        if point is None:  # a contract without service points
            continue
        meters = points.setdefault(point, (address, []))[1]
        if meter is not None:  # None: a service point without meters
            meters.append(MeterRow(meter, serial, garden, installed, kind, verified))
    context = {
        "contract": contract,
        "points": service_points(list(points.values())),
        "has_contracts": True,  # the menu's question, answered: one query less
        "einvoice": einvoice_status(contract_id=pk, contract_number=contract.number),
    }
    return render(request, "customers/contract.html", context)


def service_points(points: list[tuple[str, list[MeterRow]]]) -> SafeString:
    """Each service point's heading and table of meters (see rows.py for why in Python), with
    the labels of the template it replaced; every value is escaped."""
    meter_url = pk_url("metering:meter")
    meters, meter, installed, due, readings, garden = (
        escape(label)
        for label in (
            *(_("Meters"), _("Meter"), _("Installed")),
            *(_("Verification due"), _("Readings"), _("garden watering")),
        )
    )
    table_head = (
        '  <table class="stack">\n'
        f'    <caption class="helptext">{meters}</caption>\n'
        f'    <thead><tr><th scope="col">{meter}</th><th scope="col">{installed}</th>'
        f'<th scope="col">{due}</th><th scope="col"><span class="visually-hidden">{readings}'
        "</span></th></tr></thead>\n"
        "    <tbody>\n"
    )

    def row(m: MeterRow) -> str:
        return (
            f"      <tr><td>{escape(m.serial_number)}{f' ({garden})' if m.garden else ''}</td>\n"
            f'        <td data-label="{installed}">{day(m.installed_on)}</td>'
            f'<td data-label="{due}">{day(verification_due(m.kind, m.verified_on))}</td>\n'
            f'        <td><a href="{meter_url(m.pk)}">{readings}</a></td></tr>\n'
        )

    return SafeString(
        "".join(
            f"\n  <h2>{escape(address)}</h2>\n{table_head}{''.join(map(row, of_point))}"
            "    </tbody>\n  </table>\n"
            for address, of_point in points
        )
    )


@login_required
@require_POST
def unlink(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk)
    linking.unlink(user=request.user, contract=contract)
    messages.success(request, _("Contract %(number)s is unlinked.") % {"number": contract})
    return redirect("portal:dashboard")
