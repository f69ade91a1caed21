"""Pages with personal data are never kept by a browser's or a proxy's cache."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import patch_cache_control

# The customer's pages (contracts, invoices, readings, payments, requests) and the account's
# (profile, data export, e-mail, password): every answer there is about one person.
PRIVATE_PREFIXES = ("/savitarna/", "/paskyra/")


class PrivatePagesMiddleware:
    """`Cache-Control: private, no-store` on every response under PRIVATE_PREFIXES, and on every
    response to a logged-in user (each page's header shows their name).

    Without it a shared computer's back button or disk cache, or a caching proxy, could show one
    customer's invoices to the next person. Responses that set their own Cache-Control (the
    invoice PDF's no-store) keep it, with `private, no-store` added."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith(PRIVATE_PREFIXES) or (
            user is not None and user.is_authenticated
        ):
            patch_cache_control(response, private=True, no_store=True)
        return response
