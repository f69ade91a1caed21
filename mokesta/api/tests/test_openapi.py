"""The OpenAPI 3.1 description: valid (openapi-spec-validator), an example of every answer that
validates against its own schema, served at /api/v1/openapi.json; the docs page under the CSP."""

import re

import jsonschema
import pytest
from openapi_spec_validator import validate

from mokesta.api.tests.conftest import spec

pytestmark = pytest.mark.django_db


def test_the_description_validates(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    served = response.json()
    assert served["openapi"].startswith("3.1")
    validate(served)


def test_every_operation_has_a_validating_example():
    description = spec()
    operations = [op for methods in description["paths"].values() for op in methods.values()]
    assert len(operations) == 10
    for operation in operations:
        for status, response in operation["responses"].items():
            for media, content in response["content"].items():
                if media == "application/pdf":
                    continue
                assert "example" in content, (operation["operationId"], status)
                schema = {**content["schema"], "components": description["components"]}
                jsonschema.Draft202012Validator(
                    schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
                ).validate(content["example"])
        assert operation["security"] == [{"TokenAuth": []}, {"PortalSession": []}]


def test_the_docs_page_has_no_inline_script_and_the_strict_csp(client):
    response = client.get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    # The only <script> without src is the JSON settings (json_script), which is not run.
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline == ['<script id="swagger-settings" type="application/json">']
    assert "/static/ninja/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
