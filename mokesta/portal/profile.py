"""„Mano duomenys": the customer's own details, opt-ins, a copy of their data, account deletion.
E-mail and password changes use allauth's views (the new address is confirmed first and the old
one is told; the password change asks for the current password)."""

import json

from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from mokesta.accounts.forms import name_field, phone_field, require_phone_for_sms
from mokesta.accounts.history import user_messages
from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import User
from mokesta.accounts.tokens import user_tokens
from mokesta.customers.models import ContractAccess
from mokesta.inquiries.models import Inquiry
from mokesta.metering.models import Reading


class ProfileForm(forms.ModelForm):
    # The same rules as at registration: a name is letters, the phone is normalised.
    first_name = name_field("first_name", gettext_lazy("First name"), "given-name")
    last_name = name_field("last_name", gettext_lazy("Last name"), "family-name")
    phone = phone_field()

    class Meta:
        model = User
        fields = ["first_name", "last_name", "phone", "invoices_by_email", "sms_opt_in"]
        labels = {
            "invoices_by_email": gettext_lazy("Receive invoices by e-mail"),
            "sms_opt_in": gettext_lazy("Accept SMS messages"),
        }

    def clean(self) -> dict:
        super().clean()  # returns self.cleaned_data, typed as possibly None
        require_phone_for_sms(self)
        return self.cleaned_data


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=gettext_lazy("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: object, request: AuthenticatedHttpRequest, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.request = request
        self.user = request.user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        # Someone at an unlocked session must not be able to guess the password here: allauth's
        # limit for asking a logged-in user for the password again (ACCOUNT_RATE_LIMITS).
        if not ratelimit.consume(self.request, action="reauthenticate", user=self.user):
            raise forms.ValidationError(
                _("Too many attempts. Wait a minute and try again."), code="rate_limited"
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your details have been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile/profile.html", {"form": form})


def personal_data(user: User) -> dict:
    """Everything this service keeps about the user as a person (not the utility's records)."""
    addresses = list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))
    verified = [address["email"] for address in addresses if address["verified"]]
    return {
        "exported_at": timezone.now(),
        "user": {
            "email": user.email,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "phone": str(user.phone or ""),
            "invoices_by_email": user.invoices_by_email,
            "sms_opt_in": user.sms_opt_in,
            "rules_accepted_at": user.rules_accepted_at,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "language": user.language,
        },
        "email_addresses": addresses,
        "linked_contracts": [
            {"contract": number, "linked_by": via, "role": role, "linked_at": created}
            for number, via, role, created in ContractAccess.objects.filter(user=user)
            .order_by("created_at")
            .values_list("contract__number", "via", "role", "created_at")
        ],
        # The API tokens as the „API raktai" page lists them (the token itself is never kept).
        "api_tokens": list(
            user_tokens(user).values(
                "name", "prefix", "scope", "created_at", "expires_at", "revoked_at", "last_used_at"
            )
        ),
        "declared_readings": [
            {"meter": serial, "month": f"{period:%Y-%m}", "value_m3": value, "at": at}
            for serial, period, value, at in Reading.objects.filter(created_by=user)
            .order_by("period", "meter__serial_number")
            .values_list("meter__serial_number", "period", "value", "updated_at")
        ],
        "requests": [
            {
                "number": inquiry.pk,
                "contract": inquiry.contract.number,
                "topic": inquiry.topic,
                "state": inquiry.state,
                "submitted_at": inquiry.created_at,
                "moving_date": inquiry.moving_date,
                "final_readings": inquiry.final_readings,
                "messages": [
                    {"from_utility": m.from_staff, "text": m.text, "at": m.created_at}
                    for m in inquiry.messages.all()
                ],
                "photos": inquiry.photo_count,
            }
            for inquiry in Inquiry.objects.filter(user=user)
            .select_related("contract")
            .prefetch_related("messages")
            .annotate(photo_count=Count("photos"))
            .order_by("created_at")
        ],
        "messages": list(
            user_messages(user, verified)
            .order_by("created_at", "pk")
            .values("channel", "recipient", "template", "state", "created_at", "sent_at")
        ),
    }


@login_required
def export(request: AuthenticatedHttpRequest) -> HttpResponse:
    data = json.dumps(personal_data(request.user), cls=DjangoJSONEncoder, ensure_ascii=False)
    response = HttpResponse(data, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mano-duomenys.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Delete the login and the personal data; invoices, payments and readings stay with the
    contract (readings only lose who declared them), sent messages only as a bare record (the
    same as when staff delete the user: accounts.history)."""
    form = DeleteAccountForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        user = request.user
        with transaction.atomic():
            logout(request)
            user.delete()  # the delivery record: accounts.history.on_user_deleted
        messages.success(request, _("Your account has been deleted."))
        return redirect("portal:home")
    return render(request, "accounts/profile/delete.html", {"form": form})
