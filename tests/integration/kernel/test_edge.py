"""What every request meets first (shared/edge.py, docs/limits.md), through the kernel app:
sizes and NUL characters answered as problems before anything is read or written, and
the headers every answer carries."""

from __future__ import annotations

import json

from fastapi import FastAPI
from sqlalchemy import func, select

from shared.edge import MAX_ANY_BODY_BYTES
from tests.integration.kernel.test_kernel_app import PROBLEM, bearer, create_note, database
from tests.kernel_app.app import Note


async def note_count(app: FastAPI) -> int:
    async with database(app).sessions() as session:
        return (await session.execute(select(func.count()).select_from(Note))).scalar_one()


class TestNulCharacters:
    async def test_a_nul_in_a_json_string_is_422_naming_the_field(
        self, client, kernel_app, token_for
    ):
        before = await note_count(kernel_app)
        response = await client.post(
            "/v1/notes", json={"text": "a\u0000b"}, headers=bearer(await token_for("es.officer"))
        )
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["code"] == "validation-error"
        assert [(e["pointer"], e["location"]) for e in problem["errors"]] == [("/text", "body")]
        assert "U+0000" in problem["detail"]
        assert await note_count(kernel_app) == before

    async def test_nested_strings_and_keys_are_named_by_pointer(self, client, token_for):
        body = {"text": "ok", "nested": [{"deep": "x\u0000"}], "k\u0000": 1}
        response = await client.post(
            "/v1/notes",
            content=json.dumps(body),
            headers={**bearer(await token_for("es.officer")), "Content-Type": "application/json"},
        )
        assert response.status_code == 422
        pointers = [e["pointer"] for e in response.json()["errors"]]
        assert pointers == ["/nested/0/deep", "/k\\u0000"]

    async def test_an_escaped_backslash_before_u0000_is_no_nul(self, client, token_for):
        token = await token_for("es.officer")
        note = await create_note(client, token, body="C:\\u0000 is a path, not a NUL")
        assert note["text"] == "C:\\u0000 is a path, not a NUL"

    async def test_a_nul_in_a_path_parameter_is_422_naming_it(self, client, token_for):
        response = await client.get("/v1/notes/%00", headers=bearer(await token_for("es.officer")))
        assert response.status_code == 422
        assert [(e["pointer"], e["location"]) for e in response.json()["errors"]] == [
            ("/note_id", "path")
        ]

    async def test_a_nul_in_a_query_parameter_is_422_naming_it(self, client, token_for):
        response = await client.get(
            "/v1/notes?contains=a%00b", headers=bearer(await token_for("es.officer"))
        )
        assert response.status_code == 422
        assert [(e["pointer"], e["location"]) for e in response.json()["errors"]] == [
            ("/contains", "query")
        ]


class TestSizes:
    async def test_a_body_over_the_limit_is_413_and_nothing_is_written(
        self, client, kernel_app, token_for
    ):
        before = await note_count(kernel_app)
        limit = kernel_app.state.settings.max_body_bytes
        response = await client.post(
            "/v1/notes",
            json={"text": "x" * limit},
            headers=bearer(await token_for("es.officer")),
        )
        assert response.status_code == 413
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "content-too-large"
        assert await note_count(kernel_app) == before

    async def test_a_streamed_body_without_length_is_held_to_the_limit(
        self, client, kernel_app, token_for
    ):
        limit = kernel_app.state.settings.max_body_bytes

        async def chunks():
            yield b'{"text": "'
            for _ in range(limit // 1024 + 2):
                yield b"x" * 1024
            yield b'"}'

        response = await client.post(
            "/v1/notes",
            content=chunks(),
            headers={**bearer(await token_for("es.officer")), "Content-Type": "application/json"},
        )
        assert response.status_code == 413

    async def test_a_declared_length_over_any_limit_is_413_before_reading(self, client):
        response = await client.post(
            "/v1/notes",
            content=b"{}",
            headers={"Content-Length": str(MAX_ANY_BODY_BYTES + 1)},
        )
        assert response.status_code == 413
        assert response.json()["code"] == "content-too-large"

    async def test_a_long_url_is_414(self, client):
        response = await client.get("/v1/notes?q=" + "a" * 20_000)
        assert response.status_code == 414
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "uri-too-long"

    async def test_a_huge_authorization_header_is_431_before_any_token_check(self, client):
        response = await client.get("/v1/notes", headers=bearer("a" * 1_000_000))
        assert response.status_code == 431
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["code"] == "header-fields-too-large"
        assert problem["header"] == "authorization"


class TestEveryAnswer:
    async def test_carries_nosniff_whatever_it_is(self, client, token_for):
        token = await token_for("es.officer")
        answers = [
            await client.get("/healthz"),
            await client.get("/v1/notes", headers=bearer(token)),
            await client.get("/v1/notes"),
            await client.get("/v1/nothing-here"),
            await client.get("/v1/notes/-/fault", headers=bearer(token)),
            await client.get("/v1/notes?q=" + "a" * 20_000),
        ]
        assert [a.headers.get("x-content-type-options") for a in answers] == ["nosniff"] * 6
        assert answers[4].status_code == 500 and answers[4].json()["code"] == "internal-error"

    async def test_a_validation_problem_with_one_error_says_why_in_its_detail(
        self, client, token_for
    ):
        response = await client.post(
            "/v1/notes",
            json={"text": "ok", "colour": "red"},
            headers=bearer(await token_for("es.officer")),
        )
        assert response.status_code == 422
        assert response.json()["detail"] == "/colour: Extra inputs are not permitted"


class TestStrongETags:
    async def test_a_weak_etag_never_matches(self, client, kernel_app, token_for):
        """RFC 9110 section 13.1.1: If-Match uses the strong comparison."""
        token = await token_for("es.officer")
        note = await create_note(client, token)
        response = await client.put(
            f"/v1/notes/{note['id']}",
            json={"text": "changed"},
            headers={**bearer(token), "If-Match": 'W/"1"'},
        )
        assert response.status_code == 412
        assert response.json()["code"] == "stale-version"
        read = await client.get(f"/v1/notes/{note['id']}", headers=bearer(token))
        assert read.json()["text"] == "hola" and read.headers["etag"] == '"1"'
