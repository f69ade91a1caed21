"""Errors as RFC 9457 problem details (application/problem+json): a `type` URI naming the kind
of problem (tag URIs: identifiers, not pages), a `title` and a `detail` in the request's language,
the HTTP `status`, and for field errors `errors`, for implausible readings `warnings`."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Schema
from ninja.renderers import JSONRenderer

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "tag:mokesta.lt,2026:problem:"

# The kinds of problem: (status, title). The titles are what a client may show.
KINDS: dict[str, tuple[int, Any]] = {
    "not-authenticated": (401, gettext_lazy("Not authenticated")),
    "insufficient-scope": (403, gettext_lazy("The token's scope does not allow this")),
    "csrf-failed": (403, gettext_lazy("The CSRF check failed")),
    "not-found": (404, gettext_lazy("Not found")),
    "method-not-allowed": (405, gettext_lazy("Method not allowed")),
    "invalid-request": (422, gettext_lazy("The request is not valid")),
    "declaration-refused": (422, gettext_lazy("The readings were not accepted")),
    "confirmation-required": (422, gettext_lazy("The readings need your confirmation")),
    "too-many-requests": (429, gettext_lazy("Too many requests")),
}


class FieldError(Schema):
    field: str  # the request field, e.g. "readings.0.value" or "month"; "" for the request
    message: str


class MeterWarning(Schema):
    meter_id: int
    messages: list[str]


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[FieldError] | None = None
    warnings: list[MeterWarning] | None = None
    retry_after: int | None = None  # seconds (429; the Retry-After header says the same)


def problem(
    request: HttpRequest,
    kind: str,
    detail: str,
    *,
    errors: list[dict[str, str]] | None = None,
    warnings: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    retry_after: int | None = None,
) -> HttpResponse:
    status, title = KINDS[kind]
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + kind,
        "title": str(title),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    if warnings is not None:
        body["warnings"] = warnings
    if retry_after is not None:
        body["retry_after"] = retry_after
    response = HttpResponse(
        JSONRenderer().render(request, body, response_status=status),
        status=status,
        content_type=MEDIA_TYPE,
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


class ApiProblem(Exception):
    """Raised anywhere in an endpoint (or its auth) to answer with a problem."""

    def __init__(self, kind: str, detail: str = "", **extra: Any) -> None:
        super().__init__(detail)
        self.kind, self.detail, self.extra = kind, detail, extra


def not_found() -> ApiProblem:
    return ApiProblem("not-found", _("There is no such object among yours."))
