"""Every OpenAPI document declares the headers its operations take (docs/architecture.md
"API conventions"): ``If-Match`` on every operation that answers 428 without it, and
``Idempotency-Key`` on every operation that creates (answers 201), so that a client
generated from the document sends them."""

from __future__ import annotations

from typing import Any

import pytest

from deploy.catalog import SERVICES
from services.extradition.service import EXTRADITION
from services.mla.service import MLA

CHANGES = {"post", "put", "patch", "delete"}


def operations(part_name: str) -> list[tuple[str, str, dict[str, Any]]]:
    part = next(p for p in SERVICES if p.name == part_name)
    app = part.create_app(part.settings_class()(env="test"))
    return [
        (method, path, operation)
        for path, item in app.openapi()["paths"].items()
        for method, operation in item.items()
    ]


def headers(operation: dict[str, Any]) -> set[str]:
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


@pytest.mark.parametrize("part_name", [p.name for p in SERVICES])
class TestHeaders:
    def test_every_operation_that_needs_if_match_declares_it(self, part_name: str):
        needing = [
            (method, path, op)
            for method, path, op in operations(part_name)
            if "428" in op.get("responses", {})
        ]
        assert needing, "every service has operations that change a versioned resource"
        for method, path, op in needing:
            assert "If-Match" in headers(op), f"{method.upper()} {path}"

    def test_every_create_declares_idempotency_key(self, part_name: str):
        creating = [
            (method, path, op)
            for method, path, op in operations(part_name)
            if method in CHANGES and "201" in op.get("responses", {})
        ]
        assert creating
        for method, path, op in creating:
            assert "Idempotency-Key" in headers(op), f"{method.upper()} {path}"

    def test_headers_are_declared_only_where_they_are_read(self, part_name: str):
        for method, path, op in operations(part_name):
            if method == "get":
                assert not headers(op) & {"If-Match", "Idempotency-Key"}, f"GET {path}"


@pytest.mark.parametrize(("part_name", "cases"), [("mla", MLA), ("extradition", EXTRADITION)])
def test_every_transition_is_an_endpoint_that_asks_for_if_match(part_name: str, cases: Any):
    posts = {path: op for method, path, op in operations(part_name) if method == "post"}
    for transition in cases.lifecycle.machine.transitions:
        op = posts[f"/v1/requests/{{request_id}}/{transition.action}"]
        assert "If-Match" in headers(op), transition.action
        assert op["summary"] == transition.description
        assert op["responses"].keys() >= {"200", "403", "404", "409", "412", "422", "428"}
