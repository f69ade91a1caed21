import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from allauth.account.signals import email_confirmed
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from mokesta.accounts.models import User
from mokesta.customers.models import ContractAccess
from mokesta.testing.factories import make_contract

GENERIC = "Galiojanti sutartis su tokiu sutarties numeriu ir mokėtojo kodu nerasta"


@pytest.fixture(autouse=True)
def clear_cache():
    cache.clear()
    yield
    cache.clear()


def linked(user):
    return set(ContractAccess.objects.filter(user=user).values_list("contract__number", flat=True))


def confirm(user, email):
    address = EmailAddress.objects.create(user=user, email=email, verified=True)
    email_confirmed.send(sender=EmailAddress, request=None, email_address=address)


def test_confirming_an_email_links_the_valid_contracts_of_that_customer(db):
    user = User.objects.create_user("naujas@example.lt", "x")
    mine = make_contract(email="Naujas@Example.LT")
    ended = make_contract(email="naujas@example.lt", end=dt.date(2021, 1, 1))
    future = make_contract(email="naujas@example.lt", start=dt.date(2099, 1, 1))
    other = make_contract(email="kitas@example.lt")
    confirm(user, "naujas@example.lt")
    assert linked(user) == {mine.number}
    assert ContractAccess.objects.get(user=user).via == ContractAccess.Via.EMAIL
    assert not {ended.number, future.number, other.number} & linked(user)


def test_confirming_twice_does_not_link_twice(db):
    user = User.objects.create_user("naujas@example.lt", "x")
    make_contract(email="naujas@example.lt")
    confirm(user, "naujas@example.lt")
    email_confirmed.send(
        sender=EmailAddress, request=None, email_address=EmailAddress.objects.get(user=user)
    )
    assert ContractAccess.objects.filter(user=user).count() == 1


def test_it_links_a_contract_by_number_and_payer_code(client, alice):
    contract = make_contract()
    client.force_login(alice)
    response = client.post(
        reverse("customers:link"),
        {"number": contract.number.lower(), "payer_code": contract.customer.payer_code},
    )
    assert response.status_code == 302
    assert linked(alice) == {contract.number}
    assert ContractAccess.objects.get(user=alice).via == ContractAccess.Via.CODE


@pytest.mark.parametrize("wrong", ["number", "payer_code"])
def test_a_wrong_pair_gets_one_generic_message(client, alice, wrong):
    contract = make_contract()
    data = {"number": contract.number, "payer_code": contract.customer.payer_code}
    data[wrong] = "999"
    client.force_login(alice)
    response = client.post(reverse("customers:link"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["__all__"]  # no hint which half was wrong
    assert GENERIC in errors["__all__"][0]
    assert linked(alice) == set()


def test_it_refuses_an_ended_contract(client, alice):
    contract = make_contract(end=dt.date(2022, 12, 31))
    client.force_login(alice)
    response = client.post(
        reverse("customers:link"),
        {"number": contract.number, "payer_code": contract.customer.payer_code},
    )
    assert GENERIC in response.content.decode()
    assert linked(alice) == set()


@pytest.mark.parametrize("field", ["number", "payer_code"])
def test_it_requires_both_fields(client, alice, field):
    data = {"number": "VKU-1", "payer_code": "1"}
    data[field] = ""
    client.force_login(alice)
    response = client.post(reverse("customers:link"), data)
    assert response.context["form"].errors[field] == ["Šis laukas yra privalomas."]


def test_failed_attempts_are_limited_per_user(client, alice, bob):
    contract = make_contract()
    client.force_login(alice)
    for _ in range(5):
        client.post(reverse("customers:link"), {"number": contract.number, "payer_code": "0"})
    # The sixth try is refused even with the right pair.
    response = client.post(
        reverse("customers:link"),
        {"number": contract.number, "payer_code": contract.customer.payer_code},
    )
    assert response.status_code == 429
    assert "Per daug nesėkmingų bandymų pridėti sutartį" in response.content.decode()
    assert linked(alice) == set()
    # Another user is not affected.
    client.force_login(bob)
    client.post(
        reverse("customers:link"),
        {"number": contract.number, "payer_code": contract.customer.payer_code},
    )
    assert linked(bob) == {contract.number}


def test_new_accounts_at_one_address_get_no_new_tries(alice, bob):
    # Contract numbers are sequential: a guesser must not get 5 more tries per new account.
    contract = make_contract()
    carol = User.objects.create_user(email="carol@example.lt", password="x")
    wrong = {"number": contract.number, "payer_code": "0"}
    for user, tries in ((alice, 4), (bob, 4), (carol, 2)):
        client = Client(REMOTE_ADDR="203.0.113.5")
        client.force_login(user)
        for _ in range(tries):
            assert client.post(reverse("customers:link"), wrong).status_code == 200
    right = {"number": contract.number, "payer_code": contract.customer.payer_code}
    response = client.post(reverse("customers:link"), right)  # carol: 2 tries of her own
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 3000
    assert linked(carol) == set()
    elsewhere = Client(REMOTE_ADDR="198.51.100.5")
    elsewhere.force_login(carol)
    elsewhere.post(reverse("customers:link"), right)
    assert linked(carol) == {contract.number}


def test_the_limit_resets_after_an_hour(client, alice):
    import time_machine

    contract = make_contract()
    with time_machine.travel(dt.datetime(2026, 5, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(alice)
        for _ in range(5):
            client.post(reverse("customers:link"), {"number": contract.number, "payer_code": "0"})
    with time_machine.travel(dt.datetime(2026, 5, 1, 11, 1, tzinfo=dt.UTC), tick=False):
        client.force_login(alice)
        client.post(
            reverse("customers:link"),
            {"number": contract.number, "payer_code": contract.customer.payer_code},
        )
    assert linked(alice) == {contract.number}


def test_a_user_may_link_several_contracts_and_a_contract_several_users(client, alice, bob):
    first, second = make_contract(), make_contract()
    for user in (alice, bob):
        client.force_login(user)
        for contract in (first, second):
            client.post(
                reverse("customers:link"),
                {"number": contract.number, "payer_code": contract.customer.payer_code},
            )
    assert linked(alice) == linked(bob) == {first.number, second.number}


def test_unlinking_removes_only_my_link(client, alice, bob):
    contract = make_contract(user=alice)
    ContractAccess.objects.create(user=bob, contract=contract, via=ContractAccess.Via.CODE)
    client.force_login(alice)
    assert client.get(reverse("customers:unlink", args=[contract.pk])).status_code == 405
    response = client.post(reverse("customers:unlink", args=[contract.pk]))
    assert response.status_code == 302
    assert linked(alice) == set()
    assert linked(bob) == {contract.number}


def test_another_users_contract_cannot_be_unlinked(client, alice, bob):
    contract = make_contract(user=bob)
    client.force_login(alice)
    assert client.post(reverse("customers:unlink", args=[contract.pk])).status_code == 404
    assert linked(bob) == {contract.number}
