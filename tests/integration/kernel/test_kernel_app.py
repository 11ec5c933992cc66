"""The kernel's conventions, proven through a minimal app on real PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import UUID

import httpx
from fastapi import FastAPI
from sqlalchemy import func, select, text
from sqlmodel import col

from shared import audit
from shared.audit import AuditEntry
from shared.db import Database
from tests.kernel_app.app import Note

PROBLEM = "application/problem+json"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def create_note(client: httpx.AsyncClient, token: str, body: str = "hola") -> dict:
    response = await client.post("/v1/notes", json={"text": body}, headers=bearer(token))
    assert response.status_code == 201, response.text
    return response.json()


def database(app: FastAPI) -> Database:
    return app.state.database


async def note_row(app: FastAPI, note_id: str) -> Note | None:
    async with database(app).sessions() as session:
        return await session.get(Note, UUID(note_id))


class TestUnitOfWork:
    async def test_a_successful_request_is_committed_before_the_answer(
        self, client, kernel_app, token_for
    ):
        note = await create_note(client, await token_for("es.officer"))
        stored = await note_row(kernel_app, note["id"])
        assert stored is not None and stored.text == "hola" and stored.authority == "ES-MJ"

    async def test_the_commit_happens_before_the_response_starts(self, kernel_app, token_for):
        """Called at the ASGI level: when the first byte of the answer goes out, another
        connection must already see the row (a commit in a dependency's teardown would
        come after)."""
        body = b'{"text": "committed-first"}'
        token = await token_for("es.officer")
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": "/v1/notes",
            "raw_path": b"/v1/notes",
            "query_string": b"",
            "root_path": "",
            "headers": [
                (b"host", b"kernel.test"),
                (b"content-type", b"application/json"),
                (b"authorization", f"Bearer {token}".encode()),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("kernel.test", 80),
            "state": {},
        }
        seen_at_response_start: list[int] = []

        async def receive() -> dict:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict) -> None:
            if message["type"] == "http.response.start":
                assert message["status"] == 201
                async with database(kernel_app).sessions() as session:
                    result = await session.execute(
                        select(func.count())
                        .select_from(Note)
                        .where(col(Note.text) == "committed-first")
                    )
                    seen_at_response_start.append(int(result.scalar_one()))

        await kernel_app(scope, receive, send)
        assert seen_at_response_start == [1]

    async def test_a_rule_violation_after_a_change_leaves_nothing_behind(
        self, client, kernel_app, token_for
    ):
        token = await token_for("es.officer")
        note = await create_note(client, token, "quiet")
        response = await client.post(
            f"/v1/notes/{note['id']}/shout-and-fail", headers=bearer(token)
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "no-shouting"
        assert response.json()["citation"] == "Kernel test rule 1"
        stored = await note_row(kernel_app, note["id"])
        assert stored is not None and stored.text == "quiet" and stored.version == 1

    async def test_each_write_is_audited_in_the_same_transaction(
        self, client, kernel_app, token_for
    ):
        note = await create_note(client, await token_for("co.officer"))
        async with database(kernel_app).sessions() as session:
            entries = (
                await session.execute(
                    select(AuditEntry).where(col(AuditEntry.entity_id) == note["id"])
                )
            ).scalars()
            [entry] = list(entries)
            assert entry.action == "note.created"
            assert entry.authority == "CO-MJD"
            assert entry.actor.startswith("user:")
            assert (await audit.verify(session)).ok


class TestProblems:
    async def test_field_errors_name_each_field_with_a_json_pointer(self, client, token_for):
        response = await client.post(
            "/v1/notes",
            json={"text": "", "colour": "red"},
            headers=bearer(await token_for("es.officer")),
        )
        assert response.status_code == 422
        assert response.headers["content-type"] == PROBLEM
        body = response.json()
        assert body["type"] == "/problems/validation-error"
        assert body["status"] == 422
        assert body["instance"] == "/v1/notes"
        pointers = {(e["location"], e["pointer"]) for e in body["errors"]}
        assert pointers == {("body", "/text"), ("body", "/colour")}
        assert body["correlation_id"] == response.headers["x-correlation-id"]

    async def test_strict_input_refuses_a_number_for_text(self, client, token_for):
        response = await client.post(
            "/v1/notes", json={"text": 5}, headers=bearer(await token_for("es.officer"))
        )
        assert response.status_code == 422
        assert [e["pointer"] for e in response.json()["errors"]] == ["/text"]

    async def test_a_bad_path_parameter_is_named(self, client, token_for):
        response = await client.get(
            "/v1/notes/not-a-uuid", headers=bearer(await token_for("es.officer"))
        )
        assert response.status_code == 422
        [error] = response.json()["errors"]
        assert (error["location"], error["pointer"]) == ("path", "/note_id")

    async def test_another_authoritys_note_is_not_found_not_forbidden(self, client, token_for):
        note = await create_note(client, await token_for("es.officer"))
        response = await client.get(
            f"/v1/notes/{note['id']}", headers=bearer(await token_for("nl.officer"))
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "not-found"

    async def test_an_unknown_route_is_a_problem(self, client):
        response = await client.get("/v1/nothing-here")
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM

    async def test_a_fault_answers_500_without_its_message(self, client, token_for):
        response = await client.get(
            "/v1/notes/-/fault", headers=bearer(await token_for("es.officer"))
        )
        assert response.status_code == 500
        assert response.headers["content-type"] == PROBLEM
        assert "secret" not in response.text
        assert response.json()["code"] == "internal-error"
        assert response.json()["correlation_id"]

    async def test_without_a_token_the_answer_is_401_with_a_challenge(self, client):
        response = await client.get("/v1/notes")
        assert response.status_code == 401
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["www-authenticate"].startswith("Bearer")

    async def test_a_garbage_token_is_401_invalid_token(self, client):
        response = await client.get("/v1/notes", headers=bearer("not.a.jwt"))
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


class TestCorrelation:
    async def test_the_callers_correlation_id_is_kept(self, client):
        response = await client.get("/healthz", headers={"X-Correlation-ID": "case-42.req-7"})
        assert response.headers["x-correlation-id"] == "case-42.req-7"

    async def test_an_unacceptable_correlation_id_is_replaced(self, client):
        response = await client.get("/healthz", headers={"X-Correlation-ID": "<script>"})
        assert response.headers["x-correlation-id"] != "<script>"
        assert len(response.headers["x-correlation-id"]) == 36


class TestOptimisticConcurrency:
    async def test_an_update_without_if_match_is_428(self, client, token_for):
        token = await token_for("es.officer")
        note = await create_note(client, token)
        response = await client.put(
            f"/v1/notes/{note['id']}", json={"text": "x"}, headers=bearer(token)
        )
        assert response.status_code == 428
        assert response.json()["code"] == "if-match-required"

    async def test_a_stale_if_match_is_412_and_changes_nothing(self, client, kernel_app, token_for):
        token = await token_for("es.officer")
        note = await create_note(client, token, "first")
        update = await client.put(
            f"/v1/notes/{note['id']}",
            json={"text": "second"},
            headers={**bearer(token), "If-Match": '"1"'},
        )
        assert update.status_code == 200 and update.headers["etag"] == '"2"'
        stale = await client.put(
            f"/v1/notes/{note['id']}",
            json={"text": "third"},
            headers={**bearer(token), "If-Match": '"1"'},
        )
        assert stale.status_code == 412
        assert stale.json()["code"] == "stale-version"
        assert stale.json()["current_version"] == 2
        stored = await note_row(kernel_app, note["id"])
        assert stored is not None and stored.text == "second"

    async def test_the_etag_of_a_read_is_the_version(self, client, token_for):
        token = await token_for("es.officer")
        note = await create_note(client, token)
        response = await client.get(f"/v1/notes/{note['id']}", headers=bearer(token))
        assert response.headers["etag"] == '"1"'


class TestIdempotency:
    async def count_notes(self, app: FastAPI, text_: str) -> int:
        async with database(app).sessions() as session:
            result = await session.execute(
                select(func.count()).select_from(Note).where(col(Note.text) == text_)
            )
            return int(result.scalar_one())

    async def test_a_retried_create_returns_the_first_result(self, client, kernel_app, token_for):
        headers = {**bearer(await token_for("es.officer")), "Idempotency-Key": "retry-1"}
        first = await client.post("/v1/notes", json={"text": "once"}, headers=headers)
        second = await client.post("/v1/notes", json={"text": "once"}, headers=headers)
        assert first.status_code == second.status_code == 201
        assert first.json() == second.json()
        assert second.headers["idempotent-replayed"] == "true"
        assert second.headers["etag"] == first.headers["etag"]
        assert await self.count_notes(kernel_app, "once") == 1

    async def test_the_same_key_with_another_body_is_refused(self, client, token_for):
        headers = {**bearer(await token_for("es.officer")), "Idempotency-Key": "retry-2"}
        await client.post("/v1/notes", json={"text": "a"}, headers=headers)
        response = await client.post("/v1/notes", json={"text": "b"}, headers=headers)
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency-key-reused"

    async def test_keys_are_scoped_to_the_user(self, client, kernel_app, token_for):
        body = {"text": "two users"}
        for user in ("es.officer", "co.officer"):
            headers = {**bearer(await token_for(user)), "Idempotency-Key": "shared-key"}
            response = await client.post("/v1/notes", json=body, headers=headers)
            assert response.status_code == 201
            assert "idempotent-replayed" not in response.headers
        assert await self.count_notes(kernel_app, "two users") == 2

    async def test_concurrent_retries_create_one_row(self, client, kernel_app, token_for):
        headers = {**bearer(await token_for("es.officer")), "Idempotency-Key": "race-1"}
        responses = await asyncio.gather(
            *(client.post("/v1/notes", json={"text": "race"}, headers=headers) for _ in range(5))
        )
        assert {r.status_code for r in responses} == {201}
        assert len({r.json()["id"] for r in responses}) == 1
        assert await self.count_notes(kernel_app, "race") == 1

    async def test_an_expired_key_no_longer_replays(self, client, kernel_app, clock, token_for):
        headers = {**bearer(await token_for("es.officer")), "Idempotency-Key": "old-key"}
        first = await client.post("/v1/notes", json={"text": "expiring"}, headers=headers)
        started = clock.now()
        clock.advance(timedelta(hours=25))
        try:
            second = await client.post("/v1/notes", json={"text": "expiring"}, headers=headers)
        finally:
            clock.set(started)
        assert second.json()["id"] != first.json()["id"]
        assert await self.count_notes(kernel_app, "expiring") == 2


class TestOperations:
    async def test_healthz(self, client):
        response = await client.get("/healthz")
        assert response.json() == {"status": "ok"}

    async def test_readyz_checks_the_database(self, client):
        response = await client.get("/readyz")
        assert response.status_code == 200
        assert response.json()["checks"] == {"database": "ok"}

    async def test_readyz_is_503_when_the_database_does_not_answer(self, client, kernel_app):
        async def down() -> None:
            raise ConnectionRefusedError

        kernel_app.state.readiness_checks["database"] = down
        try:
            response = await client.get("/readyz")
        finally:
            kernel_app.state.readiness_checks["database"] = database(kernel_app).ping
        assert response.status_code == 503
        assert response.json()["checks"]["database"].startswith("unavailable")

    async def test_metrics_count_requests_by_route_template(self, client, token_for):
        token = await token_for("es.officer")
        note = await create_note(client, token)
        await client.get(f"/v1/notes/{note['id']}", headers=bearer(token))
        metrics = (await client.get("/metrics")).text
        assert 'route="/v1/notes/{note_id}"' in metrics
        assert note["id"] not in metrics

    async def test_the_database_is_real_postgresql(self, kernel_app):
        async with database(kernel_app).sessions() as session:
            version = (await session.execute(text("SHOW server_version_num"))).scalar_one()
        assert int(version) >= 150000
