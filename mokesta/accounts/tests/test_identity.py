"""One identity rule for e-mail addresses (accounts/identity.py, README: "Security"): look-alike
addresses neither link someone else's contract, nor lock the owner out, nor escape a limit —
through the real pages, on SQLite and PostgreSQL alike."""

import importlib

import pytest
from allauth.account.models import EmailAddress, EmailConfirmationHMAC
from allauth.account.signals import email_confirmed
from django.apps import apps
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mokesta.accounts.identity import check_email, email_key, is_canonical, normalise_email
from mokesta.accounts.models import User
from mokesta.conftest import PASSWORD, make_user
from mokesta.customers.linking import link_by_email
from mokesta.customers.models import ContractAccess, Customer
from mokesta.testing.factories import make_contract

pytestmark = pytest.mark.django_db

OWNER = "jonas.vaitkus@gmail.test"
# Each look-alike of OWNER the issue names (and the dotted capital İ of the same family).
LOOKALIKES = {
    "dotless i U+0131": "jonas.va\u0131tkus@gma\u0131l.test",
    "long s U+017F": "jona\u017f.vaitku\u017f@gmail.test",
    "Kelvin sign U+212A": "jonas.vait\u212aus@gmail.test",
    "fullwidth letters": "\uff4a\uff4f\uff4e\uff41\uff53.vaitkus@\uff47\uff4d\uff41\uff49l.test",
    "trailing dot": "jonas.vaitkus@gmail.test.",
    "dotted capital I U+0130": "jonas.va\u0130tkus@gmail.test",
}
LOOKALIKE_ERROR = (
    "Šiame adrese yra ženklų, kurie tik atrodo kaip lotyniškos raidės (pvz., „ı“ vietoj „i“). "
    "Įrašykite adresą įprastomis lotyniškomis raidėmis."
)
WRONG_LOGIN = "Pateiktas el. pašto adresas ir/arba slaptažodis yra neteisingi."
LOGIN = reverse("account_login")
SIGNUP = reverse("account_signup")
lookalikes = pytest.mark.parametrize("lookalike", LOOKALIKES.values(), ids=list(LOOKALIKES))


def signup_data(email: str) -> dict[str, str]:
    return {
        "first_name": "Ona",
        "last_name": "Žemaitytė",
        "email": email,
        "password1": "Žalias123",
        "password2": "Žalias123",
        "accept_rules": "on",
    }


def log_in(client: Client, login: str, password: str = PASSWORD):
    return client.post(LOGIN, {"login": login, "password": password})


def admin_log_in(client: Client, login: str, user: User):
    device, _ = TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    data = {"username": login, "password": PASSWORD, "otp_token": code, "next": "/admin/"}
    return client.post("/admin/login/", data)


# --- the rule itself ---------------------------------------------------------------------


@lookalikes
def test_every_lookalike_has_the_owners_key(lookalike: str) -> None:
    assert email_key(lookalike) == OWNER
    assert email_key(lookalike.upper()) == OWNER


@pytest.mark.parametrize(
    "other",
    [
        "jonas.vaitkus@gmail.test.lt",
        "jonas.vaitkus1@gmail.test",
        "jonas.vaitkus@grnail.test",  # ASCII stays ASCII: "rn" and "m" are two mailboxes
        "jonas.vaitkus@ąžuolas.lt",
    ],
)
def test_different_addresses_keep_different_keys(other: str) -> None:
    assert email_key(other) != OWNER


def test_an_idn_domain_is_one_identity_in_letters_and_in_xn_form() -> None:
    assert email_key("Ona@XN--UOLAS-2WA16F.LT") == email_key("ona@Ąžuolas.lt") == "ona@ąžuolas.lt"
    assert check_email("ona@xn--uolas-2wa16f.lt") == "ona@ąžuolas.lt"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("  Jonas.Vaitkus@GMAIL.test ", OWNER),
        (LOOKALIKES["long s U+017F"], OWNER),
        (LOOKALIKES["Kelvin sign U+212A"], OWNER),
        (LOOKALIKES["trailing dot"], OWNER),
        ("jonas.vaitkus@\uff47\uff4d\uff41\uff49\uff4c.test", OWNER),
    ],
)
def test_compatibility_forms_are_stored_as_the_plain_address(typed: str, stored: str) -> None:
    assert check_email(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        LOOKALIKES["dotless i U+0131"],
        "jonas.vaitkus@gma\u0131l.test",
        "jonas.vaitkus@xn--gmal-nza.test",  # the same domain, written as DNS has it
        "jonas.vaitkus@gm\u0430il.test",  # Cyrillic а
    ],
)
def test_lookalikes_are_refused_whoever_is_registered(typed: str) -> None:
    assert User.objects.count() == 0
    with pytest.raises(ValidationError) as refused:
        check_email(typed)
    assert refused.value.messages == [LOOKALIKE_ERROR]


def test_a_non_ascii_local_part_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        check_email("jonė@example.lt")
    assert refused.value.messages == ["Įveskite teisingą el. pašto adresą."]


# --- registration -------------------------------------------------------------------------


def outcome(client: Client, email: str) -> str:
    """What a registration did: "refused" (form error next to the field), or the page after it
    (the same for a new and a taken address)."""
    response = client.post(SIGNUP, signup_data(email))
    if response.status_code == 200:
        assert "email" in response.context["form"].errors
        return "refused"
    assert response.status_code == 302
    return response["Location"]


@lookalikes
def test_a_lookalike_signup_links_no_contract(lookalike: str, committed) -> None:
    contract = make_contract(email=OWNER)
    with committed():
        result = outcome(Client(), lookalike)
    assert not ContractAccess.objects.filter(contract=contract).exists()
    # Either refused, or the account is the owner's plain address and only the owner's mailbox
    # gets the link to confirm it: the look-alike's mailbox gets nothing.
    if result != "refused":
        assert list(User.objects.values_list("email", flat=True)) == [OWNER]
        assert [m.to for m in mail.outbox] == [[OWNER]]
    else:
        assert User.objects.count() == 0 and mail.outbox == []


@lookalikes
def test_a_lookalike_signup_neither_adds_an_account_nor_locks_the_owner_out(
    lookalike: str, committed
) -> None:
    owner = make_user(OWNER, "Jonas", "Vaitkus", is_staff=True, is_superuser=True)
    new_page = outcome(Client(), "kazkas.naujas@example.lt")
    User.objects.filter(email="kazkas.naujas@example.lt").delete()
    mail.outbox.clear()
    with committed():
        result = outcome(Client(), lookalike)
    assert result in {"refused", new_page}  # a taken address answers as a new one
    assert list(User.objects.values_list("email", flat=True)) == [OWNER]
    assert all(m.to == [OWNER] for m in mail.outbox)  # the owner is told, nobody else
    with override_settings(ADMIN_REQUIRE_2FA=True):
        customer = Client()
        assert log_in(customer, OWNER)["Location"] == reverse("portal:dashboard")
        assert customer.session["_auth_user_id"] == str(owner.pk)
        staff = Client()
        assert admin_log_in(staff, OWNER, owner)["Location"] == "/admin/"
        assert staff.get("/admin/").status_code == 200


@pytest.mark.parametrize("address", ["jonas.va\u0131tkus@gmail.test", "ona@gm\u0430il.lt"])
def test_a_lookalike_is_refused_next_to_the_field_in_lithuanian(address: str) -> None:
    response = Client().post(SIGNUP, signup_data(address))
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [LOOKALIKE_ERROR]
    html = response.content.decode()
    assert 'id="id_email_error1"' in html
    assert response.context["form"]["first_name"].value() == "Ona"  # nothing else is lost


def test_an_email_change_to_a_lookalike_is_refused_next_to_the_field(alice: User) -> None:
    client = Client()
    client.force_login(alice)
    response = client.post(
        reverse("account_email"), {"email": "alice@exampl\u0435.lt", "action_add": ""}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [LOOKALIKE_ERROR]
    assert EmailAddress.objects.filter(user=alice).count() == 1


# --- limits -------------------------------------------------------------------------------


@lookalikes
def test_the_per_email_login_limit_counts_a_lookalike_as_the_address(
    lookalike: str, settings
) -> None:
    make_user(OWNER, "Jonas", "Vaitkus")
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "login_failed_email": "3/h/key"}
    for number in range(3):
        attacker = Client(REMOTE_ADDR=f"203.0.113.{number}")
        assert log_in(attacker, lookalike, "Neteisingas1").status_code == 200
    owner = Client(REMOTE_ADDR="198.51.100.20")
    assert log_in(owner, OWNER).status_code == 429


@lookalikes
def test_the_per_address_login_limit_counts_a_lookalike_as_the_address(lookalike: str) -> None:
    make_user(OWNER, "Jonas", "Vaitkus")
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert log_in(attacker, lookalike, "Neteisingas1").status_code == 200
    assert log_in(attacker, OWNER).status_code == 429


def test_a_lookalike_registration_counts_against_the_addresss_limit(settings) -> None:
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup_success": "1/d/key"}
    assert outcome(Client(REMOTE_ADDR="203.0.113.1"), OWNER) != "refused"
    response = Client(REMOTE_ADDR="203.0.113.2").post(
        SIGNUP, signup_data(LOOKALIKES["trailing dot"])
    )
    assert response.status_code == 429


# --- logins -------------------------------------------------------------------------------


def test_a_lookalike_with_the_owners_password_is_the_owners_login(db: None) -> None:
    owner = make_user(OWNER, "Jonas", "Vaitkus")
    client = Client()
    assert log_in(client, LOOKALIKES["long s U+017F"]).status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)


def fill_email_keys() -> None:
    migration = importlib.import_module("mokesta.accounts.migrations.0002_email_key")
    migration.fill_email_keys(apps, None)


def test_two_rows_of_one_identity_are_a_failed_login_never_a_500(db: None) -> None:
    """Older rows the case-insensitive constraint let through (the state the finding found):
    the migration keeps the key for the plain address; neither row gives a 500 anywhere."""
    owner = make_user(OWNER, "Jonas", "Vaitkus", is_staff=True, is_superuser=True)
    rogue = make_user("rogue@example.lt", "Rogue", "Rogue", is_staff=True)
    rogue.set_password("Kitas123pass")
    rogue.save()
    lookalike = LOOKALIKES["dotless i U+0131"]
    User.objects.filter(pk=rogue.pk).update(email=lookalike, email_key=None)
    EmailAddress.objects.filter(user=rogue).update(email=lookalike)
    User.objects.update(email_key=None)
    fill_email_keys()
    assert dict(User.objects.values_list("pk", "email_key")) == {owner.pk: OWNER, rogue.pk: None}

    for login, password in [(lookalike, "Kitas123pass"), (OWNER, "Kitas123pass")]:
        client = Client(raise_request_exception=True)
        response = log_in(client, login, password)
        assert response.status_code == 200
        assert WRONG_LOGIN in response.content.decode()
        with override_settings(ADMIN_REQUIRE_2FA=True):
            assert (
                admin_log_in(Client(raise_request_exception=True), login, rogue).status_code == 200
            )
    client = Client(raise_request_exception=True)
    assert log_in(client, OWNER)["Location"] == reverse("portal:dashboard")
    with override_settings(ADMIN_REQUIRE_2FA=True):
        assert admin_log_in(Client(), lookalike, owner)["Location"] == "/admin/"


def test_get_by_natural_key_answers_only_for_exactly_one_row(db: None) -> None:
    make_user(OWNER, "Jonas", "Vaitkus")
    assert User.objects.get_by_natural_key(LOOKALIKES["trailing dot"]).email == OWNER
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key("kitas@example.lt")
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key(None)


def test_the_back_office_refuses_a_second_user_of_one_identity(db: None) -> None:
    make_user(OWNER, "Jonas", "Vaitkus")
    other = User(email=LOOKALIKES["Kelvin sign U+212A"], first_name="K", last_name="K")
    other.set_password(PASSWORD)
    with pytest.raises(ValidationError) as refused:
        other.full_clean()
    assert "email" in refused.value.message_dict


# --- linking and confirming ---------------------------------------------------------------


def test_linking_needs_a_confirmed_address_in_its_plain_form(db: None) -> None:
    contract = make_contract(email="Jonas.Vaitkus@Gmail.test")
    user = User.objects.create_user("kitas@example.lt", PASSWORD)
    unconfirmed = EmailAddress.objects.create(user=user, email=OWNER, verified=False)
    assert link_by_email(user=user, email=OWNER) == []
    # an older row confirmed before the rule: a look-alike links nothing
    legacy = EmailAddress.objects.create(
        user=user, email=LOOKALIKES["dotless i U+0131"], verified=True
    )
    email_confirmed.send(sender=EmailAddress, request=None, email_address=legacy)
    assert not ContractAccess.objects.exists()
    unconfirmed.verified = True
    unconfirmed.save()
    email_confirmed.send(sender=EmailAddress, request=None, email_address=unconfirmed)
    assert list(ContractAccess.objects.values_list("user", "contract")) == [(user.pk, contract.pk)]


def test_a_customer_email_is_kept_with_its_key(db: None) -> None:
    contract = make_contract(email="Jonas.Vaitkus@GMAIL.test.")
    customer = Customer.objects.get(pk=contract.customer_id)
    assert customer.email_key == OWNER
    customer.email = "kitas@example.lt"
    customer.save(update_fields=["email"])
    customer.refresh_from_db()
    assert customer.email_key == "kitas@example.lt"


def test_confirming_an_address_another_account_holds_is_refused(client: Client) -> None:
    """An older account holds the identity in a look-alike form; a newer account confirming the
    plain address would make two accounts of one person: refused, as allauth refuses a taken
    confirmed address, and no 500."""
    older = make_user("rogue@example.lt", "A", "A")
    User.objects.filter(pk=older.pk).update(email=LOOKALIKES["long s U+017F"], email_key=OWNER)
    newer = make_user("naujas@example.lt", "B", "B")
    address = EmailAddress.objects.create(user=newer, email=OWNER, verified=False)
    key = EmailConfirmationHMAC(address).key
    response = client.post(reverse("account_confirm_email", args=[key]))
    assert response.status_code in {200, 302}
    address.refresh_from_db()
    newer.refresh_from_db()
    assert not address.verified and newer.email == "naujas@example.lt"


def test_the_reset_link_goes_to_the_stored_address_never_a_lookalike(committed) -> None:
    make_user(OWNER, "Jonas", "Vaitkus")
    with committed():
        Client().post(reverse("account_reset_password"), {"email": LOOKALIKES["long s U+017F"]})
    assert [m.to for m in mail.outbox] == [[OWNER]]


def test_is_canonical_is_true_only_for_the_stored_form() -> None:
    assert is_canonical(OWNER)
    assert not is_canonical("Jonas.Vaitkus@gmail.test")
    assert not is_canonical(LOOKALIKES["dotless i U+0131"])
    assert normalise_email(LOOKALIKES["trailing dot"]) == OWNER
