"""The open API, /api/v1/ (django-ninja): the user's own data and declaring readings, for
personal access tokens (auth.py) and the portal's session. Errors are problem details
(problems.py); the OpenAPI 3.1 description is generated from the endpoints' schemas, with the
problems' media type and an example of each answer (examples.py) added here."""

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError, ValidationError

from mokesta.api import contracts, invoices, readings
from mokesta.api.auth import PortalSession, TokenAuth
from mokesta.api.examples import EXAMPLES, PROBLEM
from mokesta.api.problems import MEDIA_TYPE, ApiProblem, Problem, problem

DESCRIPTION = """Your own data in MOKESTA savitarna: contracts, meters, readings, consumption,
invoices (with their PDF and payment details), payments, the messages sent to you; and declaring
this month's readings by the portal's rules.

Create a personal access token in „Mano duomenys" → „API raktai" and send it as
`Authorization: Bearer <token>`. A *read* token reads; a *declare* token also declares readings.
Lists are paginated (`?page=N`); amounts are decimal strings, dates ISO 8601. Errors are RFC 9457
problem details (`application/problem+json`), in Lithuanian or English by `Accept-Language`."""

ERRORS: dict[int, Any] = {401: Problem, 403: Problem, 404: Problem, 422: Problem, 429: Problem}


class Docs(Swagger):
    """Swagger UI from our static files under the site's CSP (api/docs.html: no inline script)."""

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        url = self.get_openapi_url(api, kwargs)
        context = {"settings": {**self.settings, "url": url}, "openapi_url": url, "api": api}
        return render(request, "api/docs.html", context)


class MokestaApi(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        for methods in schema["paths"].values():
            for operation in methods.values():
                # ninja keys its responses by int, OpenAPI (and JSON) by string.
                responses = {str(k): v for k, v in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for code in ERRORS:
                    responses.setdefault(
                        str(code),
                        {
                            "description": "Problem details",
                            "content": {
                                "application/json": {
                                    "schema": {"$ref": "#/components/schemas/Problem"}
                                }
                            },
                        },
                    )
                for status, response in responses.items():
                    content = response.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        media = content.pop("application/json")
                        media["example"] = {**PROBLEM, "status": int(status)}
                        content[MEDIA_TYPE] = media
                    elif int(status) < 300 and "application/json" in content:
                        content["application/json"]["example"] = EXAMPLES[operation["operationId"]]
        components = schema.setdefault("components", {}).setdefault("schemas", {})
        problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
        components.update(problem_schema.pop("$defs", {}))
        components["Problem"] = problem_schema
        return schema


api = MokestaApi(
    title="MOKESTA savitarna API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    auth=[TokenAuth(), PortalSession()],
    docs=Docs(),
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


@api.exception_handler(ApiProblem)
def on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
    headers = {}
    if exc.kind == "not-authenticated":
        headers["WWW-Authenticate"] = 'Bearer realm="api"'
    if exc.kind == "too-many-requests":
        headers["Retry-After"] = str(exc.extra["retry_after"])
    return problem(request, exc.kind, exc.detail, headers=headers, **exc.extra)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(
        request,
        "not-authenticated",
        _("Send a personal access token: Authorization: Bearer <token>."),
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return problem(request, "not-found", _("There is no such object among yours."))


def _field_name(loc: Any) -> str:
    """ninja's ("body", "body", "readings", 0, "value") → "readings.0.value"; ("query", "page")
    → "page"."""
    parts = [str(part) for part in loc[1:]]
    if loc and loc[0] == "body" and parts[:1] == ["body"]:
        parts = parts[1:]
    return ".".join(parts)


@api.exception_handler(ValidationError)
def on_invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [
        {"field": _field_name(error.get("loc", ())), "message": str(error.get("msg", ""))}
        for error in exc.errors
    ]
    return problem(request, "invalid-request", _("The request is not valid."), errors=errors)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 403:  # ninja's CSRF check of a session's unsafe request
        return problem(request, "csrf-failed", _("The CSRF check failed. Reload the page."))
    if exc.status_code == 405:
        return problem(request, "method-not-allowed", str(exc))
    return problem(request, "invalid-request", str(exc))


api.add_router("/contracts/", contracts.router)
api.add_router("/contracts/", invoices.router)
api.add_router("/contracts/", readings.router)
api.add_router("/messages/", contracts.messages_router)
