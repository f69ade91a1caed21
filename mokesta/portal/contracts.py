from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.limits import too_many_requests
from mokesta.billing.einvoice_status import einvoice_status
from mokesta.customers import household, linking
from mokesta.customers.access import user_contract
from mokesta.customers.forms import LinkContractForm
from mokesta.customers.models import ContractAccess
from mokesta.customers.queries import allows, members, pending_invitations
from mokesta.lib.dates import local_today
from mokesta.metering.away import declare_away
from mokesta.metering.naming import name_meter
from mokesta.metering.queries import away_periods, contract_page
from mokesta.portal.household import (
    MEMBER_CHOICES,
    InviteForm,
    away_form,
)

Role = ContractAccess.Role


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
    bound: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    """`named`: a meter's name form sent with an error, shown again at its meter; `bound`: the
    invitation's form sent with an error, shown again in its section."""
    found = contract_page(request.user, pk)
    if found is None:
        raise Http404
    contract, points = found
    role = contract.role
    today = local_today()
    context: dict[str, object] = {
        "contract": contract,
        "points": points,
        "named_meter": named[0] if named else None,
        "name_form": named[1] if named else None,
        "has_contracts": True,  # the menu's question, answered: one query less
        "einvoice": einvoice_status(contract_id=pk, contract_number=contract.number),
        "role": role,
        "role_label": Role(role).label if role else "",
        "may_declare": allows(role, "declare"),
        "may_pay": allows(role, "pay"),
        "may_away": allows(role, "away"),
        "may_manage": allows(role, "manage"),
    }
    # „Prieiga" for a holder (two queries), „Išvykstu" for who may declare (one; its form is
    # on its own page).
    if context["may_manage"]:
        context["members"] = members(pk)
        context["invitations"] = pending_invitations(pk)
        context["invite_form"] = InviteForm(prefix="invite")
        context["member_roles"] = MEMBER_CHOICES
    if context["may_away"]:
        context["away_periods"] = away_periods(pk, today)
    context.update(bound or {})
    return render(request, "customers/contract.html", context, status=status)


@login_required
@require_POST
def rename_meter(request: AuthenticatedHttpRequest, pk: int, meter: int) -> HttpResponse:
    contract = user_contract(request.user, pk, action="declare")
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
    """A holder unlinks the contract; a member leaves it (no role needed: anyone linked may)."""
    contract = user_contract(request.user, pk)
    linking.unlink(user=request.user, contract=contract)
    messages.success(request, _("Contract %(number)s is unlinked.") % {"number": contract})
    return redirect("portal:dashboard")


@login_required
@require_POST
def invite(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    contract = user_contract(request.user, pk, action="manage")
    form = InviteForm(request.POST, prefix="invite")
    if not form.is_valid():
        return contract_detail(request, pk, bound={"invite_form": form}, status=400)
    try:
        household.invite(
            request=request,
            holder=request.user,
            contract=contract,
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
        )
    except household.TooManyInvitations as refused:
        return too_many_requests(request, reason="other", retry_after=refused.retry_after)
    messages.success(
        request,
        _("The invitation has been sent to %(email)s. It is valid for %(days)s days.")
        % {"email": form.cleaned_data["email"], "days": household.INVITATION_DAYS},
    )
    return redirect("customers:contract", pk)


@login_required
@require_http_methods(["GET", "POST"])
def away(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """„Išvykstu": the away period's form on its own page (the contract page lists the periods
    and links here), its errors next to each field."""
    contract = user_contract(request.user, pk, action="away")
    form = away_form(contract, request.POST if request.method == "POST" else None)
    if not form.is_valid():
        context = {
            "contract": contract,
            "form": form,
            "away_periods": away_periods(pk, local_today()),
        }
        status = 400 if form.is_bound else 200
        return render(request, "customers/away_page.html", context, status=status)
    data = form.cleaned_data
    declare_away(
        user=request.user,
        contract=contract,
        service_point_id=data["service_point_id"],
        starts_on=data["starts_on"],
        ends_on=data["ends_on"],
        readings=data["readings"],
    )
    messages.success(request, _("Your away period is saved. Have a good trip!"))
    return redirect("customers:contract", pk)
