"""The OpenAPI document says what the service does (docs/decisions/
0014-fuzzing-with-schemathesis.md): the reproductions of what once differed, each with
the validator's answer and the document's schema side by side. Schemathesis
(tests/fuzz/) checks the rest."""

from __future__ import annotations

import re
from typing import Any

from tests.integration.casework.conformance import REQUEST, CaseServiceUnderTest
from tests.integration.mla.helpers import Api, document

REQUESTS = "/v1/requests"


def query_parameter(openapi: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    operation = openapi["paths"][path]["get"]
    [parameter] = [p for p in operation["parameters"] if p["name"] == name]
    schema: dict[str, Any] = parameter["schema"]
    return schema


def admits(schema: dict[str, Any], value: str) -> bool:
    """Whether a string schema (possibly ``anyOf`` with null) admits ``value``."""
    options = schema.get("anyOf", [schema])
    for option in options:
        if option.get("type") != "string":
            continue
        if len(value) < option.get("minLength", 0):
            continue
        if "enum" in option and value not in option["enum"]:
            continue
        if "pattern" in option and re.search(option["pattern"], value) is None:
            continue
        if option.get("format") == "date-time" and not value:
            continue
        return True
    return False


class TestParameters:
    async def test_an_empty_cursor_is_refused_and_the_document_says_so(
        self, service: CaseServiceUnderTest, api: Api, openapi: dict[str, Any]
    ) -> None:
        answer = await api.get(service.requesting.officer, REQUESTS, params={"cursor": ""})
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["pointer"] == "/cursor"
        assert not admits(query_parameter(openapi, REQUESTS, "cursor"), "")

    async def test_deadline_before_is_an_instant_never_a_number(
        self, service: CaseServiceUnderTest, api: Api, openapi: dict[str, Any]
    ) -> None:
        answer = await api.get(
            service.requesting.officer, REQUESTS, params={"deadline_before": "0.5"}
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["pointer"] == "/deadline_before"
        instant = await api.get(
            service.requesting.officer,
            REQUESTS,
            params={"deadline_before": "2026-12-01T09:00:00+01:00"},
        )
        assert instant.status_code == 200, instant.text


class TestBodies:
    async def test_an_empty_language_is_refused_and_not_in_the_document(
        self, service: CaseServiceUnderTest, api: Api, openapi: dict[str, Any]
    ) -> None:
        request = await service.case.in_progress(api)
        path = REQUEST.format(request_id=request["id"]) + "/documents"
        answer = await api.post(service.requesting.officer, path, document(language=""))
        assert answer.status_code == 422, answer.text
        assert answer.json()["errors"][0]["pointer"] == "/language"
        schemas = openapi["components"]["schemas"]
        language = schemas["DocumentCreate"]["properties"]["language"]
        resolved = [
            schemas[o["$ref"].rsplit("/", 1)[1]] if "$ref" in o else o
            for o in language.get("anyOf", [language])
        ]
        assert not any(admits(option, "") for option in resolved), language


class TestDeclaredStatuses:
    def test_every_operation_declares_the_problems_its_dependencies_answer(
        self, openapi: dict[str, Any]
    ) -> None:
        missing = []
        for path, operations in openapi["paths"].items():
            if not path.startswith("/v1/"):
                continue  # /healthz and /readyz answer anyone
            for method, operation in operations.items():
                declared = set(operation["responses"])
                expected = {"401", "422"}
                if "{" in path:
                    expected.add("404")
                headers = {
                    p["name"] for p in operation.get("parameters", []) if p["in"] == "header"
                }
                if "If-Match" in headers:
                    expected |= {"412", "428"}
                if path.startswith(REQUESTS):
                    expected.add("503")
                if method in ("post", "patch") and path.startswith(REQUESTS):
                    expected |= {"403", "409"}
                if expected - declared:
                    missing.append((method.upper(), path, sorted(expected - declared)))
        assert not missing, missing


class TestAllow:
    async def test_options_and_405_name_every_method_of_the_path(
        self, service: CaseServiceUnderTest, api: Api, openapi: dict[str, Any]
    ) -> None:
        declared = {m.upper() for m in openapi["paths"][REQUESTS]}
        assert {"GET", "POST"} <= declared
        headers = await api.headers(service.requesting.officer)
        for method in ("OPTIONS", "DELETE"):
            answer = await api.client.request(method, REQUESTS, headers=headers)
            assert answer.status_code in (200, 204, 405), answer.text
            allowed = {m.strip() for m in answer.headers["allow"].split(",")}
            assert declared <= allowed, (method, answer.headers["allow"])
