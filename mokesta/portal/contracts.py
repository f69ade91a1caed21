from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.limits import too_many_requests
from mokesta.billing.einvoice_status import einvoice_status
from mokesta.customers import linking
from mokesta.customers.access import user_contract
from mokesta.customers.forms import LinkContractForm
from mokesta.metering.naming import name_meter
from mokesta.metering.queries import contract_page


class MeterNameForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Meter name"),
        max_length=40,
        required=False,
        help_text=gettext_lazy(
            "E.g. Kitchen, Garden watering. Leave empty to show the serial number only."
        ),
        error_messages={"max_length": gettext_lazy("The name may have at most 40 characters.")},
    )


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


@login_required
def contract_detail(
    request: AuthenticatedHttpRequest,
    pk: int,
    *,
    named: tuple[int, MeterNameForm] | None = None,
    status: int = 200,
) -> HttpResponse:
    """`named`: a meter's name form sent with an error, shown again at its meter."""
    found = contract_page(request.user, pk)
    if found is None:
        raise Http404
    contract, points = found
    context = {
        "contract": contract,
        "points": points,
        "named_meter": named[0] if named else None,
        "name_form": named[1] if named else None,
        "has_contracts": True,  # the menu's question, answered: one query less
        "einvoice": einvoice_status(contract_id=pk, contract_number=contract.number),
    }
    return render(request, "customers/contract.html", context, status=status)


@login_required
@require_POST
def rename_meter(request: AuthenticatedHttpRequest, pk: int, meter: int) -> HttpResponse:
    contract = user_contract(request.user, pk)
    form = MeterNameForm(request.POST)
    if not form.is_valid():
        return contract_detail(request, pk, named=(meter, form), status=400)
    if not name_meter(contract=contract, meter_pk=meter, name=form.cleaned_data["name"]):
        raise Http404
    messages.success(request, _("The meter's name is saved."))
    return redirect("customers:contract", pk)


@login_required
@require_POST
def unlink(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk)
    linking.unlink(user=request.user, contract=contract)
    messages.success(request, _("Contract %(number)s is unlinked.") % {"number": contract})
    return redirect("portal:dashboard")
