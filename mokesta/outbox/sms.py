"""SMS backends, chosen by the SMS_BACKEND setting: "console" prints, "infobip" calls Infobip's
HTTP API (https://www.infobip.com/docs/api/channels/sms/sms-messaging/outbound-sms/send-sms-message).
"""

import json
import sys
import urllib.error
import urllib.request

from django.conf import settings


class SmsError(Exception):
    """The provider did not accept the message; the sender records it and retries later."""


def send_sms(*, to: str, text: str) -> str:
    """Send `text` to the E.164 number `to`; returns the provider's message id (or "")."""
    if settings.SMS_BACKEND == "infobip":
        return send_with_infobip(to=to, text=text)
    return send_to_console(to=to, text=text)


def send_to_console(*, to: str, text: str) -> str:
    sys.stdout.write(f"SMS from {settings.SMS_SENDER} to {to}:\n{text}\n{'-' * 40}\n")
    sys.stdout.flush()
    return ""


def send_with_infobip(*, to: str, text: str) -> str:
    payload = {
        "messages": [
            {
                # Infobip wants the international number without the leading "+".
                "destinations": [{"to": to.removeprefix("+")}],
                "from": settings.SMS_SENDER,
                "text": text,
            }
        ]
    }
    # The URL is the operator's setting, checked to be http(s) in settings.py.
    request = urllib.request.Request(  # noqa: S310
        settings.SMS_API_URL.rstrip("/") + "/sms/2/text/advanced",
        data=json.dumps(payload).encode(),
        method="POST",
        headers={
            "Authorization": f"App {settings.SMS_API_KEY}",
            "Content-Type": "application/json",
            "Accept": "application/json",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            body = json.load(response)
    except urllib.error.HTTPError as error:
        raise SmsError(f"Infobip HTTP {error.code}: {_error_text(error)}") from error
    except (urllib.error.URLError, TimeoutError, ValueError) as error:
        raise SmsError(f"Infobip: {error}") from error
    try:
        sent = body["messages"][0]
        group = sent["status"]["groupName"]
    except (KeyError, IndexError, TypeError) as error:
        raise SmsError(f"Infobip: unexpected answer {body!r:.200}") from error
    # PENDING, DELIVERED: accepted. REJECTED: refused at once (e.g. a wrong number).
    if group in {"REJECTED", "UNDELIVERABLE", "EXPIRED"}:
        raise SmsError(f"Infobip {group}: {sent['status'].get('description', '')}")
    return str(sent.get("messageId", ""))


def _error_text(error: urllib.error.HTTPError) -> str:
    """The provider's own explanation ({"requestError": {"serviceException": {"text": ...}}})."""
    raw = error.read()
    try:
        return json.loads(raw)["requestError"]["serviceException"]["text"]
    except (ValueError, KeyError, TypeError):
        return raw.decode(errors="replace")[:200]
