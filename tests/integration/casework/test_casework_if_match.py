"""Optimistic concurrency and idempotent creation are declared where they apply
(docs/architecture.md "Data", "API conventions"): every change of a case (each
transition and the PATCH of a draft) takes ``If-Match`` and every create takes
``Idempotency-Key``, as header parameters of the OpenAPI document, so that clients
generated from it send them. A party that changes a case without ``If-Match`` gets 428,
with an ETag it did not read last 412, and nothing changes: no one's change is ever
overwritten by someone who had not seen it."""

from __future__ import annotations

from typing import Any

from tests.integration.casework.conformance import (
    REQUEST,
    CaseServiceUnderTest,
    body_for,
    transition_path,
)
from tests.integration.casework.helpers import call, history, read
from tests.integration.mla.helpers import Api


def headers_of(openapi: dict[str, Any], method: str, path: str) -> set[str]:
    operation = openapi["paths"][path][method.lower()]
    return {p["name"] for p in operation.get("parameters", []) if p["in"] == "header"}


class TestDeclared:
    def test_every_change_of_a_case_declares_if_match(
        self, service: CaseServiceUnderTest, openapi: dict[str, Any]
    ) -> None:
        changes = [("PATCH", REQUEST)] + [("POST", transition_path(a)) for a in service.transitions]
        missing = [op for op in changes if "If-Match" not in headers_of(openapi, *op)]
        assert not missing, f"changes without If-Match: {missing}"

    def test_every_create_declares_idempotency_key(
        self, service: CaseServiceUnderTest, openapi: dict[str, Any]
    ) -> None:
        creates = [
            (method, path)
            for path, operations in openapi["paths"].items()
            for method, operation in operations.items()
            if method == "post" and "201" in operation["responses"]
        ]
        # The request itself and the seven creates of the sub-resources, at least.
        assert len(creates) >= 8, creates
        missing = [op for op in creates if "Idempotency-Key" not in headers_of(openapi, *op)]
        assert not missing, f"creates without Idempotency-Key: {missing}"


class TestEnforced:
    async def test_a_transition_without_if_match_is_428_and_with_a_stale_one_412(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        request = await service.case.in_progress(api)
        owner = service.requesting.officer
        current = await read(api, owner, request["id"])
        etag = current.headers["etag"]
        assert etag == f'"{current.json()["version"]}"'
        stale = f'"{current.json()["version"] - 1}"'
        before = await history(api, owner, request["id"])
        path = REQUEST.format(request_id=request["id"])
        for action, template in service.transitions.items():
            body = body_for(template, request)
            for user in (service.requesting.officer, service.requested.supervisor):
                missing = await call(api, user, "POST", f"{path}/{action}", body)
                assert missing.status_code == 428, f"{action} by {user}: {missing.text}"
                assert missing.json()["code"] == "if-match-required"
                old = await call(api, user, "POST", f"{path}/{action}", body, etag=stale)
                assert old.status_code == 412, f"{action} by {user}: {old.text}"
                assert old.json()["code"] == "stale-version"
                assert old.json()["current_version"] == current.json()["version"]
        assert (await read(api, owner, request["id"])).headers["etag"] == etag
        assert await history(api, owner, request["id"]) == before

    async def test_a_draft_is_changed_only_from_the_version_read(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        draft = await service.case.draft(api)
        owner = service.requesting.officer
        path = REQUEST.format(request_id=draft["id"])
        missing = await call(api, owner, "PATCH", path, service.update)
        assert missing.status_code == 428 and missing.json()["code"] == "if-match-required"
        changed = await call(api, owner, "PATCH", path, service.update, etag='"1"')
        assert changed.status_code == 200, changed.text
        assert changed.headers["etag"] == '"2"'
        again = await call(api, owner, "PATCH", path, service.update, etag='"1"')
        assert again.status_code == 412 and again.json()["code"] == "stale-version"
        assert (await read(api, owner, draft["id"])).headers["etag"] == '"2"'

    async def test_a_weak_etag_of_the_current_version_never_matches(
        self, service: CaseServiceUnderTest, api: Api
    ) -> None:
        """RFC 9110 section 13.1.1: If-Match uses the strong comparison, and a weak
        validator never matches it."""
        draft = await service.case.draft(api)
        owner = service.requesting.officer
        path = REQUEST.format(request_id=draft["id"])
        weak = await call(api, owner, "PATCH", path, service.update, etag='W/"1"')
        assert weak.status_code == 412, weak.text
        assert weak.json()["code"] == "stale-version"
        assert (await read(api, owner, draft["id"])).headers["etag"] == '"1"'
