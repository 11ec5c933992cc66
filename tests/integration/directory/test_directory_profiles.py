"""Country profiles: created once (Idempotency-Key), replaced with If-Match, versioned.

This module starts from a directory with the countries only (no sample), so the
profiles it writes are its own.
"""

from __future__ import annotations

import copy
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI

from services.directory.app import create_app
from services.directory.seed import seed
from services.directory.settings import DirectorySettings
from shared import audit
from shared.clock import FixedClock

SEED = json.loads(
    (Path(__file__).resolve().parents[3] / "services/directory/seed_data.json").read_text()
)
PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
async def directory_app(
    directory_db: str, service_env: dict[str, object], clock: FixedClock
) -> AsyncIterator[FastAPI]:
    settings = DirectorySettings(**service_env, database_name=directory_db)  # type: ignore[arg-type]
    app = create_app(settings, clock=clock)
    async with app.router.lifespan_context(app):
        await seed(app.state.database, clock=clock, samples=False)
        yield app


def profile(of: str, **fields: Any) -> dict[str, Any]:
    """A valid profile of ``of`` (the sample's Spanish one, moved), with ``fields`` changed."""
    body: dict[str, Any] = copy.deepcopy(next(p for p in SEED["profiles"] if p["country"] == "ES"))
    body["country"] = of
    body.update(fields)
    return body


def if_match(version: int) -> dict[str, str]:
    return {"If-Match": f'"{version}"'}


async def test_the_directory_starts_with_countries_and_no_profile(client, headers):
    response = await client.get("/v1/countries/ES", headers=await headers("es.officer"))
    assert response.json()["profile"] is None
    authorities = await client.get("/v1/authorities", headers=await headers("es.officer"))
    assert authorities.json() == {"items": [], "next_cursor": None}


async def test_a_profile_is_created_then_replaced_with_if_match(client, headers, audit_entries):
    auth = await headers("es.editor")
    url = "/v1/countries/ES/profile"

    absent = await client.put(url, json=profile("ES"), headers={**auth, **if_match(3)})
    assert absent.status_code == 412
    assert absent.json()["current_version"] == 0

    key = {"Idempotency-Key": "profile-es-1"}
    first = await client.put(url, json=profile("ES"), headers={**auth, **key})
    assert first.status_code == 201, first.text
    assert first.headers["etag"] == '"1"'
    assert first.headers["location"] == url
    retry = await client.put(url, json=profile("ES"), headers={**auth, **key})
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers["idempotent-replayed"] == "true"

    country = await client.get("/v1/countries/ES", headers=await headers("co.officer"))
    assert country.json()["has_profile"] is True
    assert country.json()["profile"] == first.json()
    assert country.headers["etag"] == '"1"'

    missing = await client.put(url, json=profile("ES", simplified_surrender=False), headers=auth)
    assert missing.status_code == 428
    assert missing.json()["code"] == "if-match-required"

    replaced = await client.put(
        url, json=profile("ES", simplified_surrender=False), headers={**auth, **if_match(1)}
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["version"] == 2 and replaced.json()["simplified_surrender"] is False
    assert replaced.headers["etag"] == '"2"'
    assert "location" not in replaced.headers

    stale = await client.put(url, json=profile("ES", notes="late"), headers={**auth, **if_match(1)})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2

    history = await client.get(f"{url}/history", headers=await headers("co.officer"))
    items = history.json()["items"]
    assert [(v["version"], v["change"]) for v in items] == [(1, "created"), (2, "updated")]
    assert items[0]["snapshot"]["simplified_surrender"] is True
    assert items[1]["snapshot"]["simplified_surrender"] is False
    assert {v["actor_authority"] for v in items} == {"ES-MJ"}

    entries = await audit_entries(entity_id="ES", action="directory.profile.write")
    assert [(e.outcome, e.details["change"]) for e in entries] == [
        ("success", "created"),
        ("success", "updated"),
    ]


async def test_if_match_zero_creates_a_profile(client, headers):
    response = await client.put(
        "/v1/countries/CO/profile",
        json=profile("CO", incoming_languages=["es"]),
        headers={**await headers("co.editor"), **if_match(0)},
    )
    assert response.status_code == 201, response.text


@pytest.mark.parametrize(
    ("user", "code"),
    [("co.editor", "directory-entry-of-another-state"), ("es.officer", "forbidden")],
)
async def test_only_the_states_editor_writes_its_profile(
    client, headers, audit_entries, user, code
):
    before = (await client.get("/v1/countries/ES", headers=await headers("es.officer"))).json()
    version = before["profile"]["version"] if before["profile"] else 0
    response = await client.put(
        "/v1/countries/ES/profile",
        json=profile("ES", notes="Rewritten by a stranger"),
        headers={**await headers(user), **if_match(version)},
    )
    assert response.status_code == 403
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["code"] == code
    after = (await client.get("/v1/countries/ES", headers=await headers("es.officer"))).json()
    assert after == before
    [*_, denied] = await audit_entries(action="directory.profile.write")
    assert denied.outcome == "denied"


@pytest.mark.parametrize(
    ("fields", "pointer"),
    [
        ({"country": "CO"}, "/country"),
        ({"incoming_languages": ["xx"]}, "/incoming_languages/0"),
        ({"extradites_nationals_conditions": None}, "/extradites_nationals_conditions"),
        (
            {"formal_request_deadline_days": [{"legal_basis": "x", "days": "40", "citation": "y"}]},
            "/formal_request_deadline_days/0/days",
        ),
    ],
)
async def test_an_invalid_profile_is_a_422_naming_the_field(client, headers, fields, pointer):
    response = await client.put(
        "/v1/countries/ES/profile", json=profile("ES", **fields), headers=await headers("es.editor")
    )
    assert response.status_code == 422, response.text
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


async def test_an_unknown_country_has_no_profile_to_write(client, headers):
    response = await client.put(
        "/v1/countries/XX/profile", json=profile("ES"), headers=await headers("es.editor")
    )
    assert response.status_code == 404
    history = await client.get(
        "/v1/countries/BO/profile/history", headers=await headers("es.editor")
    )
    assert history.status_code == 404


async def test_the_audit_chain_holds(database):
    async with database.sessions() as session:
        assert (await audit.verify(session)).ok
