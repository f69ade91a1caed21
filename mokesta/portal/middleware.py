from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header

SUPPORTED = {code for code, _name in settings.LANGUAGES}
API_PREFIX = "/api/"


class LanguageMiddleware:
    """Lithuanian unless the visitor chose another language with the header's language buttons
    (Django's set_language view stores the choice in a cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: the site is
    the Lithuanian utility's, its labels are the user guide's, and a visitor whose browser happens
    to be set to English still gets the Lithuanian pages until they press "EN". The API (/api/)
    is the exception: a program says its language with Accept-Language (Lithuanian by default)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return self.api(request)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]  # Django's convention
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Cookie",))
        return response

    def api(self, request: HttpRequest) -> HttpResponse:
        """The API's programs ask by Accept-Language (Lithuanian unless they prefer English)."""
        language = settings.LANGUAGE_CODE
        for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            base = code.split("-")[0]
            if base in SUPPORTED:
                language = base
                break
        translation.activate(language)
        request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language",))
        return response
