"""The production middleware: request id and access line, CSP and Permissions-Policy, and the
request body limit that refuses before reading."""

import io
import logging
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from mokesta.lib.middleware import RequestIdFilter, current_request_id

pytestmark = pytest.mark.django_db


def test_every_page_has_a_strict_csp_and_a_permissions_policy(client: Client) -> None:
    for path in ["/", reverse("account_login"), "/admin/login/", "/no-such-page/"]:
        response = client.get(path)
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp
        assert "script-src 'self';" in csp
        assert "style-src 'self';" in csp
        assert "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert "camera=()" in response["Permissions-Policy"]
        assert "geolocation=()" in response["Permissions-Policy"]


def test_pages_have_no_inline_script_or_style(client: Client, alice) -> None:
    # What the CSP would block in a browser: <script> without src, <style>, style="…", on…=.
    client.force_login(alice)
    for path in ["/", reverse("account_login"), reverse("account_signup"), "/admin/login/"]:
        html = client.get(path).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), path
        assert "<style" not in html, path
        assert not re.search(r"\sstyle=\"", html), path
        assert not re.search(r"\son[a-z]+=\"", html), path


def test_admin_pages_have_no_inline_script_or_style(client: Client, staff) -> None:
    client.force_login(staff)
    for name in ["admin:index", "admin:accounts_user_changelist", "admin:accounts_user_add"]:
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), name
        assert "<style" not in html, name
        assert not re.search(r"\sstyle=\"", html), name


def test_a_request_over_the_limit_is_refused_before_its_body_is_read(settings) -> None:
    settings.MAX_REQUEST_BYTES = 1000
    body = io.BytesIO(b"x" * 5000)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": reverse("account_signup"),
        "CONTENT_TYPE": "multipart/form-data; boundary=zzz",
        "CONTENT_LENGTH": "50000000",  # an anonymous 50 MB upload, announced
        "wsgi.input": body,
    }
    response = Client().generic("POST", reverse("account_signup"), **environ)
    assert response.status_code == 413
    assert "Užklausa per didelė" in response.content.decode()
    assert body.tell() == 0  # not a byte read, so nothing was spooled to disk


def test_a_request_within_the_limit_goes_on(client: Client, settings) -> None:
    settings.MAX_REQUEST_BYTES = 100_000
    response = client.post(reverse("account_login"), {"login": "x@example.lt", "password": "x"})
    assert response.status_code == 200


def test_each_request_gets_an_id_and_one_log_line(client: Client) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    logger = logging.getLogger("mokesta.request")
    logger.addHandler(handler)
    try:
        first = client.get("/")
        second = client.get("/", HTTP_X_REQUEST_ID="proxy-given-id-1234")
    finally:
        logger.removeHandler(handler)
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    # No proxy is trusted (TRUSTED_PROXY_COUNT=0): a client's id is not taken.
    assert second["X-Request-ID"] != "proxy-given-id-1234"
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2
    assert re.fullmatch(r"GET / 200 \d+ms", lines[0])


def test_a_trusted_proxys_request_id_is_kept(client: Client, settings) -> None:
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get("/", HTTP_X_REQUEST_ID="0123456789abcdef0123456789abcdef")
    assert response["X-Request-ID"] == "0123456789abcdef0123456789abcdef"
    forged = client.get("/", HTTP_X_REQUEST_ID="bad id\nINFO injected")
    assert re.fullmatch(r"[0-9a-f]{32}", forged["X-Request-ID"])


def test_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    token = current_request_id.set("abc123abc123")
    try:
        RequestIdFilter().filter(record)
    finally:
        current_request_id.reset(token)
    assert record.request_id == "abc123abc123"  # type: ignore[attr-defined]
