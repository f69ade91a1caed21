"""A business customer's company code and VAT code: wrong formats are refused with a Lithuanian
message next to the field, and nothing typed is lost."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from mokesta.accounts.models import User
from mokesta.customers.models import Customer, validate_company_code, validate_vat_code
from mokesta.testing.staff import admin_client, clerk  # noqa: F401

ADD = "/admin/customers/customer/add/"
VAT_MESSAGE = "PVM mokėtojo kodas – LT ir 9 arba 12 skaitmenų, pvz., LT100001234567."


@pytest.mark.parametrize("code", ["LT123456789", "LT100001234567"])
def test_a_lithuanian_vat_code_is_lt_and_9_or_12_digits(code: str) -> None:
    validate_vat_code(code)


@pytest.mark.parametrize(
    "code",
    [
        "LT12345678",  # 8 digits
        "LT1234567890",  # 10
        "LT1234567890123",  # 13
        "lt100001234567",
        "LV100001234567",
        "LT 100001234567",
        "100001234567",
        "LT10000123456X",
        "LT１２３４５６７８９",  # full-width digits are digits to Python's \d, not to VMI
    ],
)
def test_other_vat_codes_are_refused_in_lithuanian(code: str) -> None:
    with translation.override("lt"), pytest.raises(ValidationError) as refused:
        validate_vat_code(code)
    assert refused.value.messages == [VAT_MESSAGE]


@pytest.mark.parametrize("code", ["12345678", "1234567890", "30222222A", "302 222 222"])
def test_a_company_code_is_9_digits(code: str) -> None:
    validate_company_code("302222222")
    with translation.override("lt"), pytest.raises(ValidationError) as refused:
        validate_company_code(code)
    assert refused.value.messages == ["Įmonės kodas – 9 skaitmenys, pvz., 302222222."]


def form(**fields: str) -> dict[str, str]:
    return {
        "name": "UAB „Velžio kepykla“",
        "payer_code": "302222222",
        "address": "Liepų g. 1, Velžys",
        "invoice_address": "Gedimino pr. 1, Vilnius",
        "company_code": "302222222",
        "vat_code": "LT100001234567",
        "contracts-TOTAL_FORMS": "0",
        "contracts-INITIAL_FORMS": "0",
        **fields,
    }


@pytest.mark.django_db
def test_the_back_office_refuses_a_wrong_vat_code_next_to_the_field(clerk: User) -> None:  # noqa: F811
    client = admin_client(clerk)
    with translation.override("lt"):
        response = client.post(ADD, form(vat_code="LT10000123"), HTTP_ACCEPT_LANGUAGE="lt")
    assert response.status_code == 200
    assert not Customer.objects.exists()
    assert response.context["adminform"].form.errors == {"vat_code": [VAT_MESSAGE]}
    page = response.content.decode()
    assert 'value="Gedimino pr. 1, Vilnius"' in page  # what was typed stays
    assert 'value="LT10000123"' in page

    response = client.post(ADD, form())
    assert response.status_code == 302
    customer = Customer.objects.get()
    assert (customer.company_code, customer.vat_code, customer.invoice_address) == (
        "302222222",
        "LT100001234567",
        "Gedimino pr. 1, Vilnius",
    )
