"""„Prieiga" and „Išvykstu" on the contract page (issue 22): the holder invites people with a
role, changes roles and removes members; a member leaves; the invitation's link is accepted here;
a holder or a „Deklaruoja" member declares an away period. The rules are
mokesta.customers.household and mokesta.metering.away; who may do what is the query layer's
(customers.queries.ALLOWED) — a role that may not gets a 404."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.identity import validate_email_identity
from mokesta.customers import household
from mokesta.customers.access import user_contract
from mokesta.customers.models import Contract, ContractAccess, Invitation
from mokesta.lib.dates import add_months, local_today
from mokesta.metering.away import AWAY_MAX_MONTHS, overlapping
from mokesta.metering.declaration import MeterState, check_reading
from mokesta.metering.models import Meter
from mokesta.portal.declare import current_month, meter_states

Role = ContractAccess.Role
MEMBER_CHOICES = [(role.value, role.label) for role in household.MEMBER_ROLES]


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        validators=[validate_email_identity],
        error_messages={
            "required": gettext_lazy("Enter the e-mail address of the person to invite."),
            "invalid": gettext_lazy("Enter a valid e-mail address, e.g. vardas@pastas.lt."),
        },
    )
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=MEMBER_CHOICES,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the roles.")},
    )


class RoleForm(forms.Form):
    role = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=MEMBER_CHOICES,
        error_messages={"invalid_choice": gettext_lazy("Choose one of the roles.")},
    )


class AwayForm(forms.Form):
    """From, to, the service point (when the contract has more than one) and each of its
    meters' reading on leaving."""

    starts_on = forms.DateField(
        label=gettext_lazy("Away from (YYYY-MM-DD)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Enter the first day you are away."),
            "invalid": gettext_lazy("Enter a date as YYYY-MM-DD."),
        },
    )
    ends_on = forms.DateField(
        label=gettext_lazy("Away until (YYYY-MM-DD)"),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": gettext_lazy("Enter the last day you are away."),
            "invalid": gettext_lazy("Enter a date as YYYY-MM-DD."),
        },
    )

    def __init__(
        self,
        *args: object,
        contract_id: int,
        points: list[tuple[int, str]],
        meters: list[tuple[int, str, int]],
        states: list[MeterState] | None = None,
        **kwargs: object,
    ) -> None:
        """`points`: (pk, address); `meters`: the meters in use (pk, label, service point pk);
        `states`: their MeterState, needed only to check a submitted form."""
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.contract_id = contract_id
        self.points = dict(points)
        self.meter_points = {pk: point for pk, _label, point in meters}
        self.states = {state.meter.pk: state for state in states or []}
        if len(points) > 1:
            self.fields["point"] = forms.ChoiceField(
                label=_("Address"),
                choices=[("", _("All addresses of the contract")), *points],
                required=False,
                error_messages={"invalid_choice": _("Choose one of the contract's addresses.")},
            )
        for pk, label, _point in meters:
            self.fields[f"meter_{pk}"] = forms.CharField(
                label=_("Meter %(serial)s, reading on leaving in m³") % {"serial": label},
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
                error_messages={"required": _("Enter the meter's reading on leaving.")},
            )

    def clean(self) -> dict:
        cleaned = super().clean() or {}
        today = local_today()
        starts_on: dt.date | None = cleaned.get("starts_on")
        ends_on: dt.date | None = cleaned.get("ends_on")
        if starts_on is not None and starts_on < today:
            self.add_error("starts_on", _("The away period cannot begin in the past."))
            starts_on = None
        if starts_on is not None and ends_on is not None:
            if ends_on < starts_on:
                self.add_error("ends_on", _("The last day cannot be before the first one."))
            elif ends_on >= add_months(starts_on, AWAY_MAX_MONTHS):
                self.add_error(
                    "ends_on",
                    _("An away period is at most %(months)s months.") % {"months": AWAY_MAX_MONTHS},
                )
            elif overlapping(self.contract_id, starts_on, ends_on):
                self.add_error(
                    "starts_on", _("This contract already has an away period in these days.")
                )
        point_id = cleaned.get("point") or ""
        point = int(point_id) if point_id else None
        cleaned["service_point_id"] = point
        readings: dict[Meter, int] = {}
        for pk, meter_point in self.meter_points.items():
            name = f"meter_{pk}"
            if point is not None and meter_point != point:
                self.errors.pop(name, None)  # a meter of another address: not asked
                continue
            raw = (self.data.get(self.add_prefix(name)) or "").strip()
            state = self.states.get(pk)
            if not raw or state is None:
                continue  # the required error is already there (or the meter left meanwhile)
            try:
                value = check_reading(raw, state)
                if state.current is not None and value < state.current.value:
                    raise forms.ValidationError(
                        _("The reading cannot be lower than this month's, %(value)s m³.")
                        % {"value": state.current.value}
                    )
            except forms.ValidationError as error:
                self.add_error(name, error)
                continue
            readings[state.meter] = value
        cleaned["readings"] = readings
        return cleaned


def away_form(contract: Contract, data: object | None) -> AwayForm:
    """The form, empty (`data` None) or as sent, for the meters read this month, with what its
    checks need: their states (their last readings; a broken meter is not read and not asked)."""
    states = [state for state in meter_states(contract, current_month()) if not state.broken]
    points = [(point.pk, point.address) for point in contract.service_points.order_by("pk")]
    meters = [(s.meter.pk, s.meter.label, s.meter.service_point_id) for s in states]
    return AwayForm(
        data,
        contract_id=contract.pk,
        points=points,
        meters=meters,
        states=states,
        prefix="away",
    )


@login_required
@require_POST
def change_role(request: AuthenticatedHttpRequest, pk: int, access: int) -> HttpResponse:
    contract = user_contract(request.user, pk, action="manage")
    member = household.member_access(contract, access)
    if member is None:
        raise Http404
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles."))
        return redirect("customers:contract", pk)
    household.change_role(actor=request.user, access=member, role=form.cleaned_data["role"])
    messages.success(request, _("The role of %(email)s is changed.") % {"email": member.user.email})
    return redirect("customers:contract", pk)


@login_required
@require_POST
def remove_member(request: AuthenticatedHttpRequest, pk: int, access: int) -> HttpResponse:
    contract = user_contract(request.user, pk, action="manage")
    member = household.member_access(contract, access)
    if member is None:
        raise Http404
    household.remove(actor=request.user, access=member)
    messages.success(
        request, _("%(email)s no longer has access to the contract.") % {"email": member.user.email}
    )
    return redirect("customers:contract", pk)


@login_required
@require_POST
def cancel_invitation(request: AuthenticatedHttpRequest, pk: int, invitation: int) -> HttpResponse:
    contract = user_contract(request.user, pk, action="manage")
    found = get_object_or_404(
        Invitation, pk=invitation, contract=contract, accepted_at__isnull=True
    )
    household.cancel_invitation(actor=request.user, invitation=found)
    messages.success(request, _("The invitation is cancelled."))
    return redirect("customers:contract", pk)


@require_http_methods(["GET", "POST"])
def accept_invitation(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The link in the invitation: log in (or register) first, then a page with a button — the
    access is given on POST, so a mail scanner opening the link uses nothing up."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    context: dict[str, object] = {"token": token}
    try:
        invitation = household.open_invitation(token)
    except household.InvitationInvalid:
        return render(request, "customers/invitation.html", {"invalid": True}, status=404)
    context["invitation"] = invitation
    if not household.has_confirmed(request.user, invitation.email):
        context["wrong_account"] = True
        return render(request, "customers/invitation.html", context, status=403)
    if request.method == "POST":
        try:
            access = household.accept(user=request.user, token=token)
        except household.InvitationInvalid:
            return render(request, "customers/invitation.html", {"invalid": True}, status=404)
        except household.WrongAccount:
            context["wrong_account"] = True
            return render(request, "customers/invitation.html", context, status=403)
        messages.success(
            request,
            _("Contract %(number)s is linked to your account.")
            % {"number": access.contract.number},
        )
        return redirect("customers:contract", access.contract_id)
    return render(request, "customers/invitation.html", context)
