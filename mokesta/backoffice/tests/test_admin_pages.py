"""Every back-office list, search and form opens; the audit trail is read-only."""

import pytest
from django.contrib import admin
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.management import call_command

from mokesta.accounts.models import User
from mokesta.backoffice.tests.conftest import admin_client
from mokesta.utility.models import Utility

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db: None) -> None:
    call_command("load_demo", stdout=None)


def test_every_list_and_its_search_opens(staff: User, demo: None) -> None:
    client = admin_client(staff)
    for model, model_admin in admin.site._registry.items():
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        assert client.get(url).status_code == 200, url
        if model_admin.search_fields:
            assert client.get(url, {"q": "VKU-2019-0031"}).status_code == 200, url


def test_a_clerk_finds_a_contract_by_meter_serial_payer_code_and_address(
    staff: User, demo: None
) -> None:
    client = admin_client(staff)
    for query in ("SK003101", "39002150011", "Liepų g. 3", "Kazlauskienė"):
        html = client.get("/admin/customers/contract/", {"q": query}).content.decode()
        assert "VKU-2019-0031" in html, query
        assert "VKU-2016-0002" not in html, query


def test_the_admin_speaks_lithuanian(staff: User) -> None:
    html = admin_client(staff).get("/admin/").content.decode()

    assert "MOKESTA administravimas" in html
    assert "Nepriskirti mokėjimai" in html
    assert "Mokėtojai ir sutartys" in html
    assert "Skaitikliai ir rodmenys" in html


def test_the_utility_is_a_single_row(staff: User, demo: None) -> None:
    client = admin_client(staff)
    utility = Utility.objects.get()

    assert client.get("/admin/utility/utility/add/").status_code == 403
    assert client.post(f"/admin/utility/utility/{utility.pk}/delete/").status_code == 403


def test_the_audit_trail_lists_changes_and_cannot_be_edited(staff: User) -> None:
    client = admin_client(staff)
    entry = LogEntry.objects.create(
        user=staff, object_repr="VKU-2019-0031", action_flag=CHANGE, change_message="pakeista"
    )

    html = client.get("/admin/admin/logentry/").content.decode()
    assert "VKU-2019-0031" in html
    assert client.get("/admin/admin/logentry/add/").status_code == 403
    assert client.post(f"/admin/admin/logentry/{entry.pk}/delete/").status_code == 403


def test_news_articles_get_their_slug_prefilled_from_the_title(staff: User) -> None:
    html = admin_client(staff).get("/admin/news/article/add/").content.decode()

    assert "prepopulated" in html
    assert 'id="id_slug"' in html
