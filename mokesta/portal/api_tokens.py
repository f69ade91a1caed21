"""„Mano duomenys" → „API raktai": the user's personal access tokens of the open API (/api/v1/):
made with a name, a scope and a lifetime, shown once, listed with their last use, revoked.
The tokens themselves are accounts.tokens'."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from mokesta.accounts.http import AuthenticatedHttpRequest
from mokesta.accounts.models import ApiToken
from mokesta.accounts.tokens import (
    LIFETIMES_DAYS,
    MAX_ACTIVE,
    active_count,
    create_token,
    revoke_token,
    user_tokens,
)


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name (what the token is for)"),
        max_length=60,
        error_messages={"required": gettext_lazy("Name the token, e.g. „Namų sistema“.")},
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Access"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": gettext_lazy("Choose what the token may do.")},
    )
    days = forms.TypedChoiceField(
        label=gettext_lazy("Valid for"),
        coerce=int,
        choices=[(d, str(d)) for d in LIFETIMES_DAYS],  # labelled in __init__ (the language)
        initial=LIFETIMES_DAYS[1],
        error_messages={"invalid_choice": gettext_lazy("Choose a validity from the list.")},
    )

    def __init__(self, *args: object, active: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.active = active
        self.fields["days"].choices = [  # type: ignore[attr-defined]
            (d, _("%(days)s days") % {"days": d}) for d in LIFETIMES_DAYS
        ]

    def clean(self) -> dict:
        super().clean()  # returns self.cleaned_data, typed as possibly None
        if self.active >= MAX_ACTIVE:
            raise forms.ValidationError(
                _("You have %(count)s valid tokens. Revoke one before creating another.")
                % {"count": self.active}
            )
        return self.cleaned_data


@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None, active=active_count(request.user))
    created = None
    if request.method == "POST" and form.is_valid():
        token, raw = create_token(
            user=request.user,
            name=form.cleaned_data["name"],
            scope=form.cleaned_data["scope"],
            days=form.cleaned_data["days"],
        )
        created = (token, raw)
        form = TokenForm(active=active_count(request.user))
    response = render(
        request,
        "accounts/profile/api_tokens.html",
        {
            "form": form,
            "tokens": list(user_tokens(request.user)),
            "created": created,
            "now": timezone.now(),
        },
        status=400 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the new token is on this page once
    return response


@login_required
@require_POST
def revoke_api_token(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    token = revoke_token(user=request.user, pk=pk)
    if token is None:
        raise Http404
    messages.success(request, _("The token „%(name)s“ has been revoked.") % {"name": token.name})
    return redirect("accounts:api_tokens")
