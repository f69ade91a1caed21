from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path
from django.utils.translation import gettext as _

from mokesta.api.api import api
from mokesta.api.problems import problem


def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    """An address under /api/ that is no endpoint: a problem too, not the site's HTML page."""
    return problem(request, "not-found", _("There is no such address in the API."))


urlpatterns = [path("v1/", api.urls), re_path(r"^(?P<rest>.*)$", unknown)]
