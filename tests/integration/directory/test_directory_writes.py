"""Maintaining authorities: who may, optimistic concurrency, idempotency, history, audit."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select
from sqlmodel import col

from services.directory.models import Authority
from shared import audit

PROBLEM = "application/problem+json"


async def create(
    client: httpx.AsyncClient, headers: Any, body: dict[str, Any], user: str = "es.editor"
) -> httpx.Response:
    return await client.post("/v1/authorities", json=body, headers=await headers(user))


async def created(client: httpx.AsyncClient, headers: Any, body: dict[str, Any]) -> dict[str, Any]:
    response = await create(client, headers, body)
    assert response.status_code == 201, response.text
    result: dict[str, Any] = response.json()
    return result


async def rows_with_code(database: Any, code: str) -> int:
    async with database.sessions() as session:
        result = await session.execute(
            select(func.count()).select_from(Authority).where(col(Authority.code) == code)
        )
        return int(result.scalar_one())


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


class TestCreate:
    async def test_an_editor_adds_an_authority_of_their_state(
        self, client, headers, authority_body, audit_entries
    ):
        response = await create(client, headers, authority_body("ES-CREATE"))
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["code"] == "ES-CREATE" and body["version"] == 1
        assert body["created_at"] == body["updated_at"] == "2026-10-09T09:00:00Z"
        assert response.headers["etag"] == '"1"'
        assert response.headers["location"] == f"/v1/authorities/{body['id']}"

        read = await client.get(response.headers["location"], headers=await headers("co.officer"))
        assert read.json() == body

        [entry] = await audit_entries(entity_id=body["id"])
        assert (entry.action, entry.outcome, entry.authority) == (
            "directory.authority.create",
            "success",
            "ES-MJ",
        )
        assert entry.actor.startswith("user:")
        assert entry.details["code"] == "ES-CREATE" and entry.details["version"] == 1

    async def test_another_states_editor_is_refused_audited_and_nothing_changes(
        self, client, headers, authority_body, audit_entries, database
    ):
        before = len(await audit_entries(action="directory.authority.create"))
        response = await create(client, headers, authority_body("ES-FOREIGN"), user="co.editor")
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["code"] == "directory-entry-of-another-state"
        assert problem["citation"] == "Plan of Action para. 64(b)"
        assert problem["rule"] == "directory editors maintain their own State's entries"
        assert "you edit the entries of CO, and this is an entry of ES" in problem["detail"]
        assert await rows_with_code(database, "ES-FOREIGN") == 0

        entries = await audit_entries(action="directory.authority.create")
        assert len(entries) == before + 1
        denied = entries[-1]
        assert (denied.outcome, denied.authority) == ("denied", "CO-MJD")
        assert denied.details["reason"] == "other_state"

    async def test_a_case_officer_is_refused_before_the_body_is_read(
        self, client, headers, authority_body, audit_entries, database
    ):
        before = len(await audit_entries(action="directory.authority.create"))
        for body in (authority_body("ES-OFFICER"), {"code": "nonsense"}):
            response = await create(client, headers, body, user="es.officer")
            assert response.status_code == 403, response.text
            assert response.json()["code"] == "forbidden"
        assert await rows_with_code(database, "ES-OFFICER") == 0
        entries = await audit_entries(action="directory.authority.create")
        assert [(e.outcome, e.details["reason"]) for e in entries[before:]] == [
            ("denied", "role"),
            ("denied", "role"),
        ]

    @pytest.mark.parametrize(
        ("fields", "pointer"),
        [
            ({"country": "XX", "code": "XX-MJ"}, "/country"),
            ({"accepted_languages": ["es", "xx"]}, "/accepted_languages/1"),
            ({"time_zone": "Mars/Olympus_Mons"}, "/time_zone"),
            ({"names": {"zz": "Nombre"}}, "/names/zz"),
            ({"reachable_24_7": "yes"}, "/reachable_24_7"),
            ({"last_verified": "2026-13-01"}, "/last_verified"),
        ],
    )
    async def test_invalid_fields_are_422_problems_naming_the_field(
        self, client, headers, authority_body, fields, pointer
    ):
        body = authority_body("ES-INVALID")
        body.update(fields)
        response = await create(client, headers, body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == PROBLEM
        errors = response.json()["errors"]
        assert [(e["location"], e["pointer"]) for e in errors] == [("body", pointer)]

    async def test_a_taken_code_is_a_conflict(self, client, headers, authority_body):
        await created(client, headers, authority_body("ES-TWICE"))
        response = await create(client, headers, authority_body("ES-TWICE"))
        assert response.status_code == 409
        assert response.json()["code"] == "authority-code-taken"
        assert response.json()["errors"][0]["pointer"] == "/code"


class TestIdempotentCreate:
    async def test_the_same_key_twice_creates_one_authority_and_answers_the_same(
        self, client, headers, authority_body, database, audit_entries
    ):
        body = authority_body("ES-IDEM")
        key = {"Idempotency-Key": "create-es-idem-1"}
        first = await client.post(
            "/v1/authorities", json=body, headers={**await headers("es.editor"), **key}
        )
        second = await client.post(
            "/v1/authorities", json=body, headers={**await headers("es.editor"), **key}
        )
        assert first.status_code == second.status_code == 201
        assert second.json() == first.json()
        assert second.headers["etag"] == first.headers["etag"]
        assert second.headers["location"] == first.headers["location"]
        assert second.headers["idempotent-replayed"] == "true"
        assert await rows_with_code(database, "ES-IDEM") == 1
        assert len(await audit_entries(entity_id=first.json()["id"])) == 1

    async def test_the_same_key_with_another_body_is_refused(
        self, client, headers, authority_body, database
    ):
        key = {"Idempotency-Key": "create-es-idem-2"}
        auth = await headers("es.editor")
        first = await client.post(
            "/v1/authorities", json=authority_body("ES-IDEMA"), headers={**auth, **key}
        )
        assert first.status_code == 201
        other = await client.post(
            "/v1/authorities", json=authority_body("ES-IDEMB"), headers={**auth, **key}
        )
        assert other.status_code == 422
        assert other.json()["code"] == "idempotency-key-reused"
        assert await rows_with_code(database, "ES-IDEMB") == 0

    async def test_concurrent_retries_create_one_authority(
        self, client, headers, authority_body, database
    ):
        auth = {**await headers("es.editor"), "Idempotency-Key": "create-es-idem-3"}
        body = authority_body("ES-IDEMC")
        answers = await asyncio.gather(
            *(client.post("/v1/authorities", json=body, headers=auth) for _ in range(3))
        )
        assert {a.status_code for a in answers} == {201}
        assert len({a.json()["id"] for a in answers}) == 1
        assert await rows_with_code(database, "ES-IDEMC") == 1


class TestUpdate:
    async def test_an_editor_changes_an_entry_with_if_match(
        self, client, headers, authority_body, audit_entries
    ):
        authority = await created(client, headers, authority_body("ES-UPD"))
        response = await client.patch(
            f"/v1/authorities/{authority['id']}",
            json={"accepted_languages": ["es", "en"], "office_hours": None},
            headers={**await headers("es.editor"), **if_match(1)},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["version"] == 2 and response.headers["etag"] == '"2"'
        assert body["accepted_languages"] == ["es", "en"] and body["office_hours"] is None
        assert body["names"] == authority["names"]

        entries = await audit_entries(entity_id=authority["id"])
        assert [(e.action, e.outcome) for e in entries] == [
            ("directory.authority.create", "success"),
            ("directory.authority.update", "success"),
        ]
        assert entries[-1].details["fields"] == ["accepted_languages", "office_hours"]
        assert entries[-1].details["version"] == 2

    async def test_without_if_match_is_428(self, client, headers, authority_body):
        authority = await created(client, headers, authority_body("ES-NOIFM"))
        response = await client.patch(
            f"/v1/authorities/{authority['id']}",
            json={"reachable_24_7": False},
            headers=await headers("es.editor"),
        )
        assert response.status_code == 428
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["code"] == "if-match-required"

    async def test_a_stale_if_match_is_412_and_changes_nothing(
        self, client, headers, authority_body
    ):
        authority = await created(client, headers, authority_body("ES-STALE"))
        auth = await headers("es.editor")
        url = f"/v1/authorities/{authority['id']}"
        ok = await client.patch(
            url, json={"reachable_24_7": False}, headers={**auth, **if_match(1)}
        )
        assert ok.status_code == 200
        stale = await client.patch(
            url, json={"office_hours": "never"}, headers={**auth, **if_match(1)}
        )
        assert stale.status_code == 412
        assert stale.json()["code"] == "stale-version"
        assert stale.json()["current_version"] == 2
        current = (await client.get(url, headers=auth)).json()
        assert current["office_hours"] == "Mon-Fri 09:00-17:00" and current["version"] == 2

    async def test_two_editors_with_the_same_version_never_overwrite_each_other(
        self, client, headers, authority_body
    ):
        authority = await created(client, headers, authority_body("ES-RACE"))
        auth = {**await headers("es.editor"), **if_match(1)}
        url = f"/v1/authorities/{authority['id']}"
        answers = await asyncio.gather(
            client.patch(url, json={"office_hours": "Mon-Fri 08:00-15:00"}, headers=auth),
            client.patch(url, json={"office_hours": "Mon-Fri 10:00-18:00"}, headers=auth),
        )
        assert sorted(a.status_code for a in answers) == [200, 412]
        history = await client.get(f"{url}/history", headers=auth)
        assert [v["version"] for v in history.json()["items"]] == [1, 2]

    async def test_another_states_editor_is_refused_before_if_match_is_looked_at(
        self, client, headers, authority_body, audit_entries
    ):
        authority = await created(client, headers, authority_body("ES-NOTCO"))
        url = f"/v1/authorities/{authority['id']}"
        for extra in ({}, if_match(1), if_match(7)):
            response = await client.patch(
                url, json={"reachable_24_7": False}, headers={**await headers("co.editor"), **extra}
            )
            assert response.status_code == 403, response.text
            assert response.json()["code"] == "directory-entry-of-another-state"
        entries = await audit_entries(entity_id=authority["id"])
        assert [e.outcome for e in entries] == ["success", "denied", "denied", "denied"]
        unchanged = await client.get(url, headers=await headers("es.officer"))
        assert unchanged.json() == authority

    async def test_a_case_officer_is_refused(self, client, headers, authority_body):
        authority = await created(client, headers, authority_body("ES-NOOFF"))
        response = await client.patch(
            f"/v1/authorities/{authority['id']}",
            json={"reachable_24_7": False},
            headers={**await headers("es.officer"), **if_match(1)},
        )
        assert response.status_code == 403 and response.json()["code"] == "forbidden"

    @pytest.mark.parametrize(
        ("changes", "pointer"),
        [
            ({"time_zone": "Europe/Atlantis"}, "/time_zone"),
            ({"accepted_languages": ["xx"]}, "/accepted_languages/0"),
            ({"code": "ES-OTHER"}, "/code"),
            ({"names": None}, "/names"),
            # Valid alone, but the requirements name a kind the entry no longer has.
            ({"kinds": ["controlled_delivery"]}, "/requirements/central_authority_mla"),
            ({"urgent_channel": {"channel": "diplomatic"}}, "/urgent_channel/channel"),
        ],
    )
    async def test_invalid_changes_are_422_naming_the_field(
        self, client, headers, authority_body, changes, pointer
    ):
        authority = await created(client, headers, authority_body(f"ES-BAD{len(pointer)}"))
        response = await client.patch(
            f"/v1/authorities/{authority['id']}",
            json=changes,
            headers={**await headers("es.editor"), **if_match(1)},
        )
        assert response.status_code == 422, response.text
        assert [e["pointer"] for e in response.json()["errors"]] == [pointer]
        current = await client.get(
            f"/v1/authorities/{authority['id']}", headers=await headers("es.editor")
        )
        assert current.json()["version"] == 1

    async def test_a_change_that_changes_nothing_makes_no_version(
        self, client, headers, authority_body
    ):
        authority = await created(client, headers, authority_body("ES-SAME"))
        response = await client.patch(
            f"/v1/authorities/{authority['id']}",
            json={"time_zone": authority["time_zone"]},
            headers={**await headers("es.editor"), **if_match(1)},
        )
        assert response.status_code == 200
        assert response.json()["version"] == 1


class TestWithdrawAndHistory:
    async def test_withdrawn_authorities_are_hidden_unless_asked_for(
        self, client, headers, authority_body, audit_entries
    ):
        authority = await created(client, headers, authority_body("ES-GONE"))
        url = f"/v1/authorities/{authority['id']}"
        auth = await headers("es.editor")
        response = await client.post(
            f"{url}/withdraw",
            json={"reason": "Merged into ES-MJ"},
            headers={**auth, **if_match(1)},
        )
        assert response.status_code == 200, response.text
        assert response.json()["withdrawn"] is True
        assert response.headers["etag"] == '"2"'

        search = await client.get("/v1/authorities", params={"code": "ES-GONE"}, headers=auth)
        assert search.json()["items"] == []
        search = await client.get(
            "/v1/authorities",
            params={"code": "ES-GONE", "include_withdrawn": "true"},
            headers=auth,
        )
        assert [i["code"] for i in search.json()["items"]] == ["ES-GONE"]
        assert (await client.get(url, headers=auth)).json()["withdrawn"] is True

        again = await client.post(f"{url}/withdraw", headers={**auth, **if_match(2)})
        assert again.status_code == 409 and again.json()["code"] == "conflict"

        [*_, entry] = await audit_entries(entity_id=authority["id"])
        assert entry.action == "directory.authority.withdraw"
        assert entry.details["reason"] == "Merged into ES-MJ"

    async def test_withdrawing_needs_if_match_and_the_right_editor(
        self, client, headers, authority_body
    ):
        authority = await created(client, headers, authority_body("ES-KEEP"))
        url = f"/v1/authorities/{authority['id']}/withdraw"
        missing = await client.post(url, headers=await headers("es.editor"))
        assert missing.status_code == 428
        stale = await client.post(url, headers={**await headers("es.editor"), **if_match(5)})
        assert stale.status_code == 412
        foreign = await client.post(url, headers={**await headers("co.editor"), **if_match(1)})
        assert foreign.status_code == 403
        officer = await client.post(url, headers={**await headers("es.officer"), **if_match(1)})
        assert officer.status_code == 403

    async def test_history_shows_each_version_with_who_when_and_what(
        self, client, headers, authority_body
    ):
        authority = await created(client, headers, authority_body("ES-HIST"))
        url = f"/v1/authorities/{authority['id']}"
        auth = await headers("es.editor")
        await client.patch(
            url,
            json={"channels": ["direct"], "urgent_channel": None},
            headers={**auth, **if_match(1)},
        )
        await client.post(f"{url}/withdraw", headers={**auth, **if_match(2)})
        await client.patch(url, json={"withdrawn": False}, headers={**auth, **if_match(3)})

        response = await client.get(f"{url}/history", headers=await headers("co.officer"))
        assert response.status_code == 200
        items = response.json()["items"]
        assert [(v["version"], v["change"]) for v in items] == [
            (1, "created"),
            (2, "updated"),
            (3, "withdrawn"),
            (4, "reinstated"),
        ]
        assert all(v["actor"].startswith("user:") for v in items)
        assert {v["actor_authority"] for v in items} == {"ES-MJ"}
        assert items[0]["snapshot"]["channels"] == ["direct", "interpol"]
        assert items[1]["snapshot"]["channels"] == ["direct"]
        assert items[2]["snapshot"]["withdrawn"] is True
        assert items[3]["snapshot"]["withdrawn"] is False

        first = await client.get(f"{url}/history", params={"limit": 3}, headers=auth)
        rest = await client.get(
            f"{url}/history",
            params={"limit": 3, "cursor": first.json()["next_cursor"]},
            headers=auth,
        )
        assert [v["version"] for v in first.json()["items"] + rest.json()["items"]] == [1, 2, 3, 4]
        assert rest.json()["next_cursor"] is None

    async def test_the_seeded_entries_have_a_first_version_by_the_system(self, client, headers):
        auth = await headers("es.officer")
        [item] = (
            await client.get("/v1/authorities", params={"code": "ES-MJ"}, headers=auth)
        ).json()["items"]
        history = (await client.get(f"/v1/authorities/{item['id']}/history", headers=auth)).json()
        assert [(v["version"], v["change"], v["actor"]) for v in history["items"]][:1] == [
            (1, "seeded", "system:directory")
        ]

    async def test_history_of_an_unknown_authority_is_404(self, client, headers):
        response = await client.get(
            "/v1/authorities/018f0000-0000-7000-8000-000000000000/history",
            headers=await headers("es.officer"),
        )
        assert response.status_code == 404


async def test_the_audit_chain_holds_after_all_these_writes(database, client, headers):
    async with database.sessions() as session:
        result = await audit.verify(session)
    assert result.ok, result
    assert result.entries > 0
