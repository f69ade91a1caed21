import pytest

from mokesta.outbox.sms import SmsError, send_sms

from .conftest import free_port


def test_the_infobip_backend_posts_the_documented_request_and_returns_the_message_id(
    infobip,
) -> None:
    assert send_sms(to="+37061234567", text="Sveiki! Ačiū.") == "msg-1"
    assert infobip.problems == []
    assert infobip.received == [{"to": "37061234567", "from": "VelzioKU", "text": "Sveiki! Ačiū."}]


def test_a_wrong_api_key_is_an_error_with_the_providers_explanation(infobip, settings) -> None:
    settings.SMS_API_KEY = "wrong"
    with pytest.raises(SmsError, match="Infobip HTTP 401: Invalid login"):
        send_sms(to="+37061234567", text="x")
    assert infobip.received == []


def test_a_server_error_is_an_error(infobip) -> None:
    infobip.fail_with = [503]
    with pytest.raises(SmsError, match="Infobip HTTP 503: Try later"):
        send_sms(to="+37061234567", text="x")


def test_a_rejected_message_is_an_error_although_the_http_status_is_200(infobip) -> None:
    infobip.group = "REJECTED"
    with pytest.raises(SmsError, match="Infobip REJECTED: Missing destination"):
        send_sms(to="+37061234567", text="x")


def test_a_provider_that_cannot_be_reached_is_an_error(settings) -> None:
    settings.SMS_BACKEND = "infobip"
    settings.SMS_API_URL = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    settings.SMS_API_KEY = "k"
    with pytest.raises(SmsError, match="Infobip: "):
        send_sms(to="+37061234567", text="x")


def test_the_console_backend_prints_the_message(settings, capsys) -> None:
    settings.SMS_BACKEND = "console"
    settings.SMS_SENDER = "VelzioKU"
    assert send_sms(to="+37061234567", text="Deklaruokite rodmenis") == ""
    printed = capsys.readouterr().out
    assert "SMS from VelzioKU to +37061234567:" in printed
    assert "Deklaruokite rodmenis" in printed
