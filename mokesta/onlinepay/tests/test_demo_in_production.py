"""The demo provider (payments nobody made) cannot run in production: a process with DEBUG off
refuses to start with it, and its confirmation goes to the configured SITE_URL only, never to
the address a request's Host header names."""

import os
import subprocess
import sys
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.onlinepay import paysera, providers
from mokesta.onlinepay.checks import refuse_demo_outside_debug
from mokesta.onlinepay.models import PaymentOrder
from mokesta.onlinepay.tests.conftest import Debt
from mokesta.payments.models import Payment

ROOT = Path(__file__).resolve().parents[3]


def start_django(**environment: str) -> subprocess.CompletedProcess[str]:
    """A fresh process loading the project as gunicorn or a worker does (not under pytest)."""
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("PAYMENT_PROVIDER", "DEBUG")},
        "DJANGO_SETTINGS_MODULE": "mokesta.settings",
        "SECRET_KEY": "a production secret key for this test only, long enough",
        **environment,
    }
    return subprocess.run(  # noqa: S603 - our own interpreter and a fixed script
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_production_process_with_the_demo_provider_does_not_start() -> None:
    refused = start_django(DEBUG="0", PAYMENT_PROVIDER="demo")
    assert refused.returncode != 0
    assert "ImproperlyConfigured: PAYMENT_PROVIDER=demo" in refused.stderr
    assert "started" not in refused.stdout
    # The same process with online payments off, or in development, starts.
    assert start_django(DEBUG="0", PAYMENT_PROVIDER="").stdout.strip() == "started"
    assert start_django(DEBUG="1", PAYMENT_PROVIDER="demo").stdout.strip() == "started"


def test_start_up_refuses_demo_unless_debug_or_testing(settings: Any) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    settings.DEBUG = False
    settings.TESTING = False
    with pytest.raises(ImproperlyConfigured, match="PAYMENT_PROVIDER=demo"):
        refuse_demo_outside_debug()
    # And should a process get past it (settings changed at run time), there is no provider.
    assert providers.current() is None
    settings.DEBUG = True
    refuse_demo_outside_debug()
    assert providers.current() is not None
    settings.DEBUG = False
    settings.PAYMENT_PROVIDER = "paysera"
    refuse_demo_outside_debug()


class Spy:
    """A local HTTP server that records what is posted to it (where a forged Host points)."""

    def __init__(self) -> None:
        self.posts: list[str] = []
        spy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                spy.posts.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"OK")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def spy() -> Iterator[Spy]:
    server = Spy()
    yield server
    server.server.shutdown()
    server.server.server_close()


@pytest.mark.django_db(transaction=True)
def test_the_demo_callback_goes_to_site_url_not_to_the_host_header(
    live_server: Any, alice: User, settings: Any, spy: Spy
) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    settings.SITE_URL = live_server.url
    debt = Debt(alice)
    # 127.0.0.1 is an allowed host, on any port: the Host header names the spy's port.
    client = Client(HTTP_HOST=f"127.0.0.1:{spy.port}")
    client.force_login(alice)
    redirect = client.post(reverse("payments:pay", args=[debt.contract.pk]), {"amount": "7,50"})
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect["Location"]).query))
    back = client.post(reverse("onlinepay:demo"), {**query, "action": "confirm"})
    assert back.status_code == 302
    assert spy.posts == []  # nothing went where the Host header pointed
    order = PaymentOrder.objects.get()
    assert order.state == PaymentOrder.State.CONFIRMED  # the live server (SITE_URL) booked it
    assert Payment.objects.get().amount == order.amount


def test_the_checkout_names_site_url_as_the_callback(
    client: Client, alice: User, debt: Debt, settings: Any
) -> None:
    settings.PAYMENT_PROVIDER = "demo"
    settings.SITE_URL = "https://savitarna.example.lt"
    client.force_login(alice)
    redirect = client.post(
        reverse("payments:pay", args=[debt.contract.pk]),
        {"amount": "7,50"},
        HTTP_HOST="127.0.0.1:9",
    )
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(redirect["Location"]).query))
    fields = paysera.check_request(query, password=providers.demo_password())
    assert fields["callbackurl"] == "https://savitarna.example.lt/apmokejimas/patvirtinimas/"
