from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.limits import too_many_requests
from mokesta.billing.einvoice_status import einvoice_status
from mokesta.customers import linking
from mokesta.customers.access import user_contract
from mokesta.customers.forms import LinkContractForm
from mokesta.metering.queries import contract_page


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
def contract_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = contract_page(request.user, pk)
    if found is None:
        raise Http404
    contract, points = found
    context = {
        "contract": contract,
        "points": points,
        "has_contracts": True,  # the menu's question, answered: one query less
        "einvoice": einvoice_status(contract_id=pk, contract_number=contract.number),
    }
    return render(request, "customers/contract.html", context)


@login_required
@require_POST
def unlink(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk)
    linking.unlink(user=request.user, contract=contract)
    messages.success(request, _("Contract %(number)s is unlinked.") % {"number": contract})
    return redirect("portal:dashboard")
