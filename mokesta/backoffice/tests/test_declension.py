"""Issue 19.4: the admin's phrases that insert a model's name, declined: every model on the
site has its Lithuanian forms; the messages after add, change and delete, the delete-selected
action, the „Add another" link, the list's count and add button, and the JavaScript strings."""

import json
import re

import pytest
from django.contrib import admin
from django.utils import translation
from lxml import html as lxml_html

from mokesta.accounts.models import User
from mokesta.backoffice import declension
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.customers.models import ServicePoint
from mokesta.news.models import Article
from mokesta.testing.factories import make_contract
from mokesta.testing.lithuanian import visible_text


def every_admin_model() -> set[str]:
    labels = set()
    for model, model_admin in admin.site._registry.items():
        labels.add(model._meta.label_lower)
        labels |= {inline.model._meta.label_lower for inline in model_admin.inlines}
    return labels


def test_every_model_on_the_site_has_its_lithuanian_forms():
    assert every_admin_model() - set(declension.NAMES) == set()


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "0 sutarčių"),
        (1, "1 sutartis"),
        (2, "2 sutartys"),
        (9, "9 sutartys"),
        (10, "10 sutarčių"),
        (11, "11 sutarčių"),
        (19, "19 sutarčių"),
        (21, "21 sutartis"),
        (22, "22 sutartys"),
        (111, "111 sutarčių"),
    ],
)
def test_counts_take_lithuanians_three_forms(n, words):
    assert declension.NAMES["customers.contract"].counted(n) == words


def test_phrases_agree_with_the_names_gender():
    contract, customer = (
        declension.NAMES["customers.contract"],
        declension.NAMES["customers.customer"],
    )
    assert declension.delete_selected_label(contract) == "Ištrinti pasirinktas sutartis"
    assert declension.delete_selected_label(customer) == "Ištrinti pasirinktus mokėtojus"
    assert declension.add_another_label(contract) == "Pridėti dar vieną sutartį"
    assert str(declension.deleted_message(customer, "Ona")) == "Mokėtojas „Ona“ ištrintas."
    assert str(declension.deleted_message(contract, "V-1")) == "Sutartis „V-1“ ištrinta."


def test_another_language_keeps_djangos_phrases():
    with translation.override("en"):
        assert declension.name_of(Article._meta) is None


def test_add_change_and_delete_say_so_in_lithuanian(staff: User):
    client = admin_client(staff)
    data = {
        "title": "Vandens tiekimo sutrikimas",
        "slug": "sutrikimas",
        "summary": "Trumpai",
        "body": "Tekstas",
        "published_at_0": "2026-12-01",
        "published_at_1": "10:00",
    }
    added = client.post("/admin/news/article/add/", {**data, "_continue": "1"}, follow=True)
    article = Article.objects.get()
    changed = client.post(
        f"/admin/news/article/{article.pk}/change/", {**data, "title": "Naujas"}, follow=True
    )
    deleted = client.post(f"/admin/news/article/{article.pk}/delete/", {"post": "yes"}, follow=True)

    assert (
        "Naujiena „Vandens tiekimo sutrikimas“ pridėta. Galite ją redaguoti toliau."
        in visible_text(added.content)
    )
    assert "Naujiena „Naujas“ pakeista." in visible_text(changed.content)
    assert "Naujiena „Naujas“ ištrinta." in visible_text(deleted.content)
    for response in (added, changed, deleted):
        assert "successfully" not in response.content.decode()


def test_the_list_counts_adds_and_deletes_in_the_right_case(staff: User):
    client = admin_client(staff)
    empty = visible_text(client.get("/admin/payments/unmatchedpayment/").content)
    assert "0 nepriskirtų mokėjimų" in empty
    for _ in range(2):
        make_contract()
    contracts = client.get("/admin/customers/contract/")
    text = visible_text(contracts.content)
    assert "2 sutartys" in text
    assert "Pridėti sutartį" in text
    assert "Ištrinti pasirinktas sutartis" in text
    groups = visible_text(client.get("/admin/auth/group/").content)
    assert "Pridėti grupę" in groups and "Naujas grupė" not in groups

    points = list(ServicePoint.objects.values_list("pk", flat=True)[:3])
    gone = client.post(
        "/admin/customers/servicepoint/",
        {"action": "delete_selected", "_selected_action": points, "post": "yes"},
        follow=True,
    )
    assert "Ištrinta: 2 objektai." in visible_text(gone.content)
    assert "0 objektų" in visible_text(gone.content)


def test_the_filters_are_titled_without_a_case_to_decline(staff: User):
    make_contract()
    text = visible_text(admin_client(staff).get("/admin/customers/contract/").content)
    assert "Kategorija" in text
    assert not re.search(r"\bPagal \w+", text)


def test_an_inline_adds_another_in_the_accusative(staff: User):
    contract = make_contract()
    page = admin_client(staff).get(f"/admin/customers/contract/{contract.pk}/change/")
    tree = lxml_html.fromstring(page.content.decode())
    links = {
        json.loads(data)["options"]["addText"] for data in tree.xpath("//@data-inline-formset")
    }
    assert "Pridėti dar vieną objektą" in links
    assert "Pridėti dar vieną prieigą prie sutarties" in links


def test_the_javascript_strings_are_lithuanian(staff: User):
    catalogue = admin_client(staff).get("/admin/jsi18n/").content.decode("unicode_escape")
    assert "Pasirinkimas (%s): pažymėkite reikiamus" in catalogue
    assert "Choose %s by selecting them" not in catalogue.split("catalog")[1]


def test_the_authenticator_devices_speak_lithuanian(staff: User):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=staff, name="telefonas", confirmed=True)
    client = admin_client(staff)
    listing = client.get("/admin/otp_totp/totpdevice/").content.decode()
    assert f'<a href="/admin/otp_totp/totpdevice/{device.pk}/config/">QR kodas</a>' in listing
    text = visible_text(client.get(f"/admin/otp_totp/totpdevice/{device.pk}/change/").content)
    assert "Įrenginys" in text and "Įrenginio pavadinimas" in text
    assert "Identity" not in text and "Throttling" not in text
