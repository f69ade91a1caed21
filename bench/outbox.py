"""Outbox throughput: queue N e-mails, drain them with W worker threads into a local aiosmtpd
sink, print messages/s and check each was delivered exactly once.

    DATABASE_URL=postgres://... .venv/bin/python bench/outbox.py 2000 2
    .venv/bin/python bench/outbox.py 2000 2   # SQLite in var/ (after `manage.py migrate`)

Writes its rows with dedup keys "bench:<run>:…" and deletes them at the end.
"""

import os
import socket
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mokesta.settings")
os.environ.setdefault("DEBUG", "1")

import logging  # noqa: E402

import django  # noqa: E402

django.setup()

from aiosmtpd.controller import Controller  # noqa: E402
from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402

from mokesta.outbox.models import OutgoingMessage  # noqa: E402
from mokesta.outbox.sending import send_due  # noqa: E402


class Sink:
    def __init__(self) -> None:
        self.to: list[str] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.to.extend(envelope.rcpt_tos)
        return "250 OK"


def main() -> None:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd logs every command
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    workers = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""

    run = uuid.uuid4().hex[:8]
    context = {
        "first_name": "Ona",
        "contracts": ["VKU-1"],
        "month": "2026-11-01",
        "deadline_date": "2026-11-30",
    }
    started = time.perf_counter()
    OutgoingMessage.objects.bulk_create(
        OutgoingMessage(
            channel="email",
            recipient=f"u{n}.{run}@example.lt",
            template="reading-reminder",
            context=context,
            dedup_key=f"bench:{run}:{n}",
        )
        for n in range(count)
    )
    queued = time.perf_counter() - started

    start = threading.Barrier(workers)
    sent: list[int] = []

    def work() -> None:
        start.wait()
        try:
            sent.append(send_due())
        finally:
            connection.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    controller.stop()

    delivered = Counter(to for to in sink.to if to.endswith(f".{run}@example.lt"))
    OutgoingMessage.objects.filter(dedup_key__startswith=f"bench:{run}:").delete()
    print(f"database: {connection.vendor}; {count} e-mails, {workers} workers")
    print(f"queue (bulk_create): {count / queued:,.0f} messages/s")
    print(f"send to SMTP: {count / elapsed:,.0f} messages/s ({elapsed:.2f} s); per worker {sent}")
    print(
        f"delivered {sum(delivered.values())}, distinct {len(delivered)}, "
        f"duplicates {sum(v - 1 for v in delivered.values())}"
    )


if __name__ == "__main__":
    main()
