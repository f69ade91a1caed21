"""Middleware for running in production: a request id and one log line per request, the
security headers Django does not set (CSP, Permissions-Policy), and the request body limit."""

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render

access_log = logging.getLogger("mokesta.request")

# The id of the request being served in this thread, for every log line (RequestIdFilter).
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar(
    "current_request_id", default="-"
)
# What a proxy's id may look like (nginx's $request_id is 32 hex digits); anything else is
# replaced, so that a header cannot inject text into the log.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

Handler = Callable[[HttpRequest], HttpResponseBase]


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id.get()
        return True


def request_id_for(request: HttpRequest) -> str:
    """The proxy's X-Request-ID when a proxy of ours is trusted, else a new one."""
    if settings.TRUSTED_PROXY_COUNT:
        given = request.headers.get("X-Request-ID", "")
        if _REQUEST_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Sets request.id and the X-Request-ID response header, and logs one line per request:
    method, path, status, duration in ms, request id (errors are logged by Django with their
    traceback, under the same id)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        request_id = request_id_for(request)
        request.id = request_id  # type: ignore[attr-defined]
        token = current_request_id.set(request_id)
        started = time.monotonic()
        try:
            response = self.get_response(request)
            response["X-Request-ID"] = request_id
            access_log.info(
                "%s %s %s %.0fms",
                request.method,
                request.path,
                response.status_code,
                (time.monotonic() - started) * 1000,
            )
            return response
        finally:
            current_request_id.reset(token)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy (settings) on every response."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class BodySizeLimitMiddleware:
    """Refuses (413) a request whose Content-Length exceeds MAX_REQUEST_BYTES before anything
    reads its body: Django would otherwise parse a multipart upload, spooling files to disk,
    before CSRF or login is even checked. A body without Content-Length (chunked) is cut by
    the proxy's client_max_body_size and never read past CONTENT_LENGTH by Django."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            # The page is the portal's (its text is in the portal's catalogue).
            response = render(
                request, "413.html", {"limit": settings.MAX_REQUEST_BYTES}, status=413
            )
            response["Connection"] = "close"  # the unread body must not be taken as a request
            return response
        return self.get_response(request)
