"""The post office's file in the back office: uploaded like a statement, its lines on the
import's page, the held readings' queue and the transfers with their difference."""

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase

from mokesta.accounts.models import User
from mokesta.bank.booking import import_statement
from mokesta.bank.models import HeldReading, StatementImport
from mokesta.bank.tests.conftest import sample
from mokesta.bank.tests.test_postlt_import import (  # noqa: F401
    Post,
    december_first,
    post,
    post_transfer_statement,
)
from mokesta.testing.staff import accountant, admin_client, clerk  # noqa: F401

pytestmark = pytest.mark.django_db
NAME = "postlt_261201.txt"


def upload(client: Any, data: bytes) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):  # the import task runs on commit
        return client.post(
            "/admin/bank/statementimport/add/", {"file": SimpleUploadedFile(NAME, data)}
        )


def test_an_accountant_uploads_the_file_and_sees_its_lines(
    accountant: User,  # noqa: F811
    post: Post,  # noqa: F811
) -> None:
    client = admin_client(accountant)

    response = upload(client, sample(NAME))

    statement = StatementImport.objects.get()
    assert response["Location"] == f"/admin/bank/statementimport/{statement.pk}/change/"
    page = client.get(response["Location"]).content.decode()
    assert "Lietuvos pašto įmokų rinkmena" in page
    assert page.count('class="statement-row"') == 6
    assert "Ona Kazlauskienė" in page and "Jonas Nežinomas" in page
    assert "3 šios rinkmenos rodmenys laukia tarnautojo." in page
    assert f"/admin/bank/heldreading/?statement__id__exact={statement.pk}" in page


def test_a_refused_file_is_named_next_to_the_field(accountant: User) -> None:  # noqa: F811
    data = sample(NAME).replace(b"\t20.00\t", b"\t20,00\t")

    html = upload(admin_client(accountant), data).content.decode()

    assert '<ul class="errorlist" id="id_file_error"><li>4 eilutė: suma 20,00' in html
    assert not StatementImport.objects.exists()


def test_a_clerk_sees_the_held_readings_and_resolves_one(
    clerk: User,  # noqa: F811
    post: Post,  # noqa: F811
) -> None:
    import_statement(data=sample(NAME), filename=NAME)
    client = admin_client(clerk)

    page = client.get("/admin/bank/heldreading/").content.decode()

    assert "Mokėjimas nepriskirtas sutarčiai." in page
    assert "neįprastai daug" in page
    assert f"{NAME}: 6" in page
    held = HeldReading.objects.get(line=3)
    response = client.post(
        "/admin/bank/heldreading/",
        {"action": "mark_resolved", "_selected_action": [held.pk]},
    )
    assert response.status_code == 302
    held.refresh_from_db()
    assert held.resolved_by == clerk and held.resolved_at is not None
    assert HeldReading.objects.filter(resolved_at__isnull=True).count() == 2


def test_the_accountant_sees_the_transfer_and_its_difference(
    accountant: User,  # noqa: F811
    post: Post,  # noqa: F811
) -> None:
    import_statement(data=sample(NAME), filename=NAME)
    import_statement(data=post_transfer_statement("122.00"), filename="s.xml")

    page = admin_client(accountant).get("/admin/bank/posttransfer/").content.decode()

    assert "2566074" in page
    assert "-1,04" in page
    assert "skirtumas: pasitikrinkite su Lietuvos paštu" in page
    assert "laukiama banko pavedimo" in page  # the earlier day's transfer (line 5)
