"""Requests through the gateway reach the service, and its answers come back unchanged."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import httpx
import pytest

from tests.conftest import TokenFor
from tests.integration.gateway.gateway_doubles import KERNELAPP_URL, RecordingTransport

NOTES = "/api/kernelapp/v1/notes"


@pytest.fixture
async def auth(token_for: TokenFor) -> dict[str, str]:
    return {"Authorization": f"Bearer {await token_for('es.officer')}"}


@pytest.fixture
async def note(gateway: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, Any]:
    created = await gateway.post(NOTES, json={"text": "a note"}, headers=auth)
    assert created.status_code == 201, created.text
    note: dict[str, Any] = created.json()
    return note


def tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    flipped = "A" if signature[10] != "A" else "B"
    return f"{header}.{payload}.{signature[:10]}{flipped}{signature[11:]}"


class TestForwarding:
    async def test_a_request_reaches_the_service_and_returns_its_answer(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport, auth: dict[str, str]
    ) -> None:
        created = await gateway.post(NOTES, json={"text": "through the gateway"}, headers=auth)
        assert created.status_code == 201
        assert created.headers["etag"] == '"1"'
        note = created.json()
        assert note["text"] == "through the gateway"

        read = await gateway.get(f"{NOTES}/{note['id']}", headers=auth)

        assert read.status_code == 200
        assert read.json() == note
        assert read.headers["etag"] == '"1"'
        assert read.headers["content-type"] == "application/json"
        request, response = kernelapp.last
        assert request.method == "GET"
        assert request.url == httpx.URL(f"{KERNELAPP_URL}/v1/notes/{note['id']}")
        assert read.content == response.content

    async def test_the_token_and_the_query_string_are_passed_on_unchanged(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport, auth: dict[str, str]
    ) -> None:
        answer = await gateway.get(f"{NOTES}?limit=5&q=a%20b&q=c", headers=auth)

        assert answer.status_code == 200
        request, _ = kernelapp.last
        assert request.url.path == "/v1/notes"
        assert request.url.query == b"limit=5&q=a%20b&q=c"
        assert request.headers["authorization"] == auth["Authorization"]

    async def test_other_request_headers_stay_at_the_gateway(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport, auth: dict[str, str]
    ) -> None:
        await gateway.get(
            NOTES,
            headers={
                **auth,
                "Cookie": "session=secret",
                "Proxy-Authorization": "Basic c2VjcmV0",
                "Keep-Alive": "timeout=600",
                "Upgrade": "websocket",
                "X-Forwarded-For": "10.0.0.1",
            },
        )

        request, _ = kernelapp.last
        for name in ("cookie", "proxy-authorization", "keep-alive", "upgrade", "x-forwarded-for"):
            assert name not in request.headers
        assert request.headers["host"] == "kernelapp.internal"


class TestAuthentication:
    async def test_a_request_without_a_token_is_refused_before_reaching_the_service(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport
    ) -> None:
        answer = await gateway.post(NOTES, json={"text": "anonymous"})

        assert answer.status_code == 401
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == "unauthorized"
        assert answer.headers["www-authenticate"].startswith("Bearer")
        assert kernelapp.exchanges == []

    @pytest.mark.parametrize("make_token", [lambda t: "not-a-token", tampered])
    async def test_an_invalid_token_is_refused_before_reaching_the_service(
        self,
        gateway: httpx.AsyncClient,
        kernelapp: RecordingTransport,
        token_for: TokenFor,
        make_token: Any,
    ) -> None:
        token = make_token(await token_for("es.officer"))

        answer = await gateway.get(NOTES, headers={"Authorization": f"Bearer {token}"})

        assert answer.status_code == 401
        assert answer.json()["code"] == "unauthorized"
        assert 'error="invalid_token"' in answer.headers["www-authenticate"]
        assert kernelapp.exchanges == []


class TestServiceProblems:
    @pytest.mark.parametrize(
        ("method", "target", "headers", "status", "code"),
        [
            ("POST", "{note}/shout-and-fail", {}, 422, "no-shouting"),
            ("PUT", "{note}", {}, 428, "if-match-required"),
            ("PUT", "{note}", {"If-Match": '"7"'}, 412, "stale-version"),
            ("GET", "{unknown}", {}, 404, "not-found"),
        ],
    )
    async def test_a_service_problem_reaches_the_caller_unchanged(
        self,
        gateway: httpx.AsyncClient,
        kernelapp: RecordingTransport,
        auth: dict[str, str],
        note: dict[str, Any],
        method: str,
        target: str,
        headers: dict[str, str],
        status: int,
        code: str,
    ) -> None:
        path = f"{NOTES}/{target.format(note=note['id'], unknown=uuid4())}"
        answer = await gateway.request(
            method, path, json={"text": "changed"}, headers={**auth, **headers}
        )

        assert answer.status_code == status
        assert answer.headers["content-type"] == "application/problem+json"
        assert answer.json()["code"] == code
        _, sent = kernelapp.last
        assert sent.status_code == status
        assert answer.content == sent.content

    async def test_a_rule_violation_keeps_its_citation(
        self, gateway: httpx.AsyncClient, auth: dict[str, str], note: dict[str, Any]
    ) -> None:
        answer = await gateway.post(f"{NOTES}/{note['id']}/shout-and-fail", headers=auth)

        assert answer.status_code == 422
        assert answer.json()["citation"] == "Kernel test rule 1"


class TestConventions:
    async def test_a_retried_create_is_replayed_through_the_gateway(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport, auth: dict[str, str]
    ) -> None:
        headers = {**auth, "Idempotency-Key": f"gateway-{uuid4()}"}

        first = await gateway.post(NOTES, json={"text": "once"}, headers=headers)
        retry = await gateway.post(NOTES, json={"text": "once"}, headers=headers)

        assert first.status_code == retry.status_code == 201
        assert "idempotent-replayed" not in first.headers
        assert retry.headers["idempotent-replayed"] == "true"
        assert retry.json() == first.json()
        assert retry.headers["etag"] == first.headers["etag"]
        assert [r.headers["idempotency-key"] for r, _ in kernelapp.exchanges] == [
            headers["Idempotency-Key"]
        ] * 2

    async def test_an_update_with_if_match_goes_through(
        self,
        gateway: httpx.AsyncClient,
        kernelapp: RecordingTransport,
        auth: dict[str, str],
        note: dict[str, Any],
    ) -> None:
        answer = await gateway.put(
            f"{NOTES}/{note['id']}", json={"text": "edited"}, headers={**auth, "If-Match": '"1"'}
        )

        assert answer.status_code == 200
        assert answer.json()["text"] == "edited"
        assert answer.headers["etag"] == '"2"'
        request, _ = kernelapp.last
        assert request.headers["if-match"] == '"1"'
        assert request.headers["content-type"] == "application/json"

    async def test_the_callers_correlation_id_is_the_one_the_service_sees(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport, auth: dict[str, str]
    ) -> None:
        correlation_id = f"gateway-test-{uuid4()}"

        answer = await gateway.get(NOTES, headers={**auth, "X-Correlation-ID": correlation_id})

        assert answer.headers.get_list("x-correlation-id") == [correlation_id]
        request, response = kernelapp.last
        assert request.headers["x-correlation-id"] == correlation_id
        assert response.headers["x-correlation-id"] == correlation_id

    async def test_without_a_correlation_id_the_service_sees_the_gateways(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport, auth: dict[str, str]
    ) -> None:
        answer = await gateway.get(f"{NOTES}/{uuid4()}", headers=auth)

        correlation_id = answer.headers["x-correlation-id"]
        request, _ = kernelapp.last
        assert request.headers["x-correlation-id"] == correlation_id
        assert answer.json()["correlation_id"] == correlation_id


class TestHostileRequests:
    async def test_a_header_that_is_not_ascii_reaches_the_service_which_judges_it(
        self, gateway: httpx.AsyncClient, note: dict[str, Any], auth: dict[str, str]
    ) -> None:
        answer = await gateway.put(
            f"{NOTES}/{note['id']}",
            json={"text": "changed"},
            headers=[*auth.items(), ("If-Match", "é".encode())],
        )
        assert answer.status_code == 412, answer.text
        assert answer.json()["code"] == "stale-version"

    @pytest.mark.parametrize(
        "path",
        [
            "/api/kernelapp//127.0.0.1:8001/v1/notes",
            "/api/kernelapp//evil.example/v1/notes",
            "/api/kernelapp/v1/notes/%2e%2e/%2e%2e/healthz",
        ],
    )
    async def test_what_follows_a_double_slash_or_a_dot_segment_is_never_a_host_or_a_way_out(
        self,
        gateway: httpx.AsyncClient,
        kernelapp: RecordingTransport,
        auth: dict[str, str],
        path: str,
    ) -> None:
        answer = await gateway.get(path, headers=auth)
        assert answer.status_code == 404, answer.text
        assert answer.headers["content-type"] == "application/problem+json"
        for request, _ in kernelapp.exchanges:
            assert request.url.host == httpx.URL(KERNELAPP_URL).host

    async def test_empty_segments_are_dropped_before_forwarding(
        self, gateway: httpx.AsyncClient, kernelapp: RecordingTransport, auth: dict[str, str]
    ) -> None:
        answer = await gateway.get("/api/kernelapp//v1//notes", headers=auth)
        assert answer.status_code == 200, answer.text
        request, _ = kernelapp.last
        assert request.url == httpx.URL(f"{KERNELAPP_URL}/v1/notes")
