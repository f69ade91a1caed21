"""The provider's side of the site: the callback it calls (no login, no CSRF token: it is
trusted only through its signature) and the demo provider's payment page."""

import logging
import secrets
import urllib.error
import urllib.parse
import urllib.request

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseNotFound,
    HttpResponseRedirect,
)
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from mokesta.onlinepay import paysera, providers
from mokesta.onlinepay.orders import UnknownOrder, apply_outcome

log = logging.getLogger(__name__)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def callback(request: HttpRequest) -> HttpResponse:
    """Paysera calls this server to server (GET or POST, the documentation shows both). It
    must answer exactly "OK" to what it accepted, or Paysera sends it again (4 times in 24 h)."""
    provider = providers.current()
    if provider is None:
        raise Http404
    params = (request.POST if request.method == "POST" else request.GET).dict()
    try:
        outcome = provider.verify(params)
    except paysera.SignatureError as exc:
        log.warning("refused a %s callback: %s", provider.name, exc)
        return HttpResponseBadRequest("bad signature", content_type="text/plain")
    try:
        order = apply_outcome(outcome=outcome, provider=provider)
    except UnknownOrder:
        log.warning("%s callback for unknown order %r", provider.name, outcome.order_id)
        return HttpResponseNotFound("unknown order", content_type="text/plain")
    if order.state == order.State.FLAGGED:
        log.error("online payment %s flagged: %s", order.order_id, order.problem)
    return HttpResponse("OK", content_type="text/plain")


@require_http_methods(["GET", "POST"])
def demo(request: HttpRequest) -> HttpResponse:
    """„Demonstracinis mokėjimas": stands in for Paysera's page under `make run`. It checks the
    signed request as Paysera does, and „Patvirtinti mokėjimą" / „Atšaukti" call the site's
    callback over HTTP, signed the same way with the demo key, then send the browser back."""
    provider = providers.current()
    if provider is None or provider.name != "demo":
        raise Http404
    assert isinstance(provider, providers.Paysera)
    source = request.POST if request.method == "POST" else request.GET
    params = {"data": source.get("data", ""), "sign": source.get("sign", "")}
    try:
        fields = paysera.check_request(params, password=provider.password)
    except paysera.SignatureError:
        return HttpResponseBadRequest("bad request", content_type="text/plain")
    context: dict[str, object] = {
        "fields": fields,
        "params": params,
        "amount": providers.from_cents(fields["amount"]),
    }
    if request.method == "GET":
        return render(request, "onlinepay/demo_pay.html", context)
    paid = request.POST.get("action") == "confirm"
    answer = {
        **{key: fields.get(key, "") for key in ("projectid", "orderid", "amount", "currency")},
        "payamount": fields.get("amount", ""),
        "paycurrency": fields.get("currency", ""),
        "status": "1" if paid else "0",
        "requestid": str(secrets.randbelow(10**9)),
        "test": "1",
        "type": "macro",
        "payment": "demo",
        "version": paysera.VERSION,
    }
    signed = paysera.sign_callback(answer, password=provider.password)
    try:
        # The site's own callback, whatever address the request carries.
        call_back(providers.callback_url(), signed)
    except (urllib.error.URLError, OSError) as exc:
        context["error"] = str(exc)
        return render(request, "onlinepay/demo_pay.html", context, status=502)
    back = fields["accepturl"] if paid else fields["cancelurl"]
    separator = "&" if "?" in back else "?"
    return HttpResponseRedirect(back + separator + urllib.parse.urlencode(signed))


def call_back(url: str, params: dict[str, str]) -> None:
    """POST the signed answer to the callback URL, as the provider's server does."""
    if not url.startswith(("http://", "https://")):
        raise urllib.error.URLError(f"not an HTTP URL: {url}")
    body = urllib.parse.urlencode(params).encode()
    # The URL is SITE_URL's (providers.callback_url), an address the site's operator set.
    with urllib.request.urlopen(url, data=body, timeout=10) as response:  # noqa: S310
        if response.read() != b"OK":
            raise urllib.error.URLError("the callback did not answer OK")
