"""The whole directory in and out: JSON round trip, all-or-nothing import, CSV, seed, schema."""

from __future__ import annotations

import copy
import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select

from services.directory.app import MIGRATIONS
from services.directory.models import Authority, AuthorityVersion, Country
from services.directory.schemas import ChangeKind, DirectoryFile, iso_countries
from services.directory.seed import seed
from services.directory.service import EditRefused
from services.directory.transfer import (
    CSV_COLUMNS,
    InvalidDirectoryFile,
    export_directory,
    import_directory,
    parse_directory_file,
)
from shared import audit
from shared.auth import Principal
from shared.db import Database, database_url
from shared.migrations import check
from shared.testing.fixtures import MigratedDatabases

PROBLEM = "application/problem+json"


async def exported(client: Any, headers: Any) -> dict[str, Any]:
    response = await client.get("/v1/export", headers=await headers("es.officer"))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.fixture
async def empty_directory(
    migrated_databases: MigratedDatabases, postgres_server_url: str
) -> AsyncIterator[Database]:
    """Another directory database, migrated, with the countries only."""
    name = await migrated_databases.create("directory", MIGRATIONS)
    database = Database(database_url(postgres_server_url, name))
    await seed(database, samples=False)
    try:
        yield database
    finally:
        await database.dispose()


class TestExport:
    async def test_the_export_holds_every_entry_and_is_an_importable_file(self, client, headers):
        body = await exported(client, headers)
        directory = DirectoryFile.model_validate(body)
        assert len(directory.authorities) >= 17 and len(directory.profiles) >= 13
        codes = [a.code for a in directory.authorities]
        assert codes == sorted(codes)
        assert "demonstration data" in (directory.notice or "")
        assert not {"id", "version", "search_text"} & set(body["authorities"][0])

    async def test_csv_has_one_row_per_authority_with_lists_joined(self, client, headers):
        response = await client.get("/v1/export.csv", headers=await headers("co.officer"))
        assert response.status_code == 200
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert "attachment" in response.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert tuple(rows[0]) == CSV_COLUMNS
        everything = DirectoryFile.model_validate(await exported(client, headers))
        assert [r["code"] for r in rows] == [a.code for a in everything.authorities]
        es_mj = next(r for r in rows if r["code"] == "ES-MJ")
        assert es_mj["kinds"] == (
            "central_authority_mla;competent_authority_extradition;transfer_of_proceedings"
        )
        assert es_mj["channels"] == "direct;diplomatic;interpol;other_electronic"
        assert es_mj["accepted_languages"] == "es"
        assert "es=Ministerio de Justicia" in es_mj["names"]
        assert es_mj["reachable_24_7"] == "yes" and es_mj["time_zone"] == "Europe/Madrid"
        assert es_mj["contacts"].count(";") == 1
        assert "+00 000 000 001" in es_mj["contacts"]


class TestRoundTrip:
    async def test_export_import_export_is_lossless(
        self, client, headers, authority_body, empty_directory
    ):
        # An entry with everything an editor may write, withdrawn, with awkward text.
        body = authority_body(
            "ES-ROUND",
            names={"es": "Oficina «Ñandú» — 24/7", "en": 'Office; with, "quotes"'},
            interpol_scope="=not a formula",
            contacts=[],
            urgent_channel=None,
            office_hours=None,
        )
        auth = await headers("es.editor")
        created = (await client.post("/v1/authorities", json=body, headers=auth)).json()
        withdrawn = await client.post(
            f"/v1/authorities/{created['id']}/withdraw", headers={**auth, "If-Match": '"1"'}
        )
        assert withdrawn.status_code == 200

        before = await exported(client, headers)
        file = DirectoryFile.model_validate(before)
        async with empty_directory.sessions() as session, session.begin():
            report = await import_directory(session, file, "system:directory")
        assert len(report.authorities_created) == len(file.authorities)
        assert len(report.profiles_created) == len(file.profiles)
        async with empty_directory.sessions() as session:
            after = (await export_directory(session)).model_dump(mode="json")
        assert after == before

    async def test_importing_the_export_again_changes_nothing(
        self, client, headers, database, audit_entries
    ):
        before = await exported(client, headers)
        entries = len(await audit_entries())
        async with database.sessions() as session:
            versions = await session.scalar(select(func.count()).select_from(AuthorityVersion))
        async with database.sessions() as session, session.begin():
            report = await import_directory(
                session, DirectoryFile.model_validate(before), "system:directory"
            )
        assert not report.changed
        assert len(report.authorities_unchanged) == len(before["authorities"])
        assert await exported(client, headers) == before
        assert len(await audit_entries()) == entries
        async with database.sessions() as session:
            assert (
                await session.scalar(select(func.count()).select_from(AuthorityVersion)) == versions
            )


class TestImportThroughTheApi:
    async def test_an_editor_imports_their_states_entries(self, client, headers, audit_entries):
        current = await exported(client, headers)
        spanish = [a for a in current["authorities"] if a["country"] == "ES"]
        es_mj = next(a for a in spanish if a["code"] == "ES-MJ")
        es_mj["office_hours"] = "Mon-Fri 08:00-15:00"
        new = copy.deepcopy(es_mj)
        new.update(code="ES-IMPORTED", names={"es": "Oficina importada"})
        profile = next(p for p in current["profiles"] if p["country"] == "ES")
        file = {"authorities": [*spanish, new], "profiles": [profile]}

        response = await client.post("/v1/import", json=file, headers=await headers("es.editor"))
        assert response.status_code == 200, response.text
        report = response.json()
        assert report["authorities_created"] == ["ES-IMPORTED"]
        assert report["authorities_updated"] == ["ES-MJ"]
        assert "ES-SEPBLAC" in report["authorities_unchanged"]
        assert report["profiles_unchanged"] == ["ES"]

        auth = await headers("es.officer")
        [item] = (
            await client.get("/v1/authorities", params={"code": "ES-MJ"}, headers=auth)
        ).json()["items"]
        assert item["office_hours"] == "Mon-Fri 08:00-15:00"
        history = await client.get(f"/v1/authorities/{item['id']}/history", headers=auth)
        assert history.json()["items"][-1]["change"] == "imported"
        [*_, summary] = await audit_entries(action="directory.import")
        assert summary.outcome == "success" and summary.authority == "ES-MJ"
        assert summary.details["authorities_created"] == ["ES-IMPORTED"]

    async def test_a_file_with_another_states_entry_is_refused_whole(
        self, client, headers, audit_entries
    ):
        before = await exported(client, headers)
        spanish = [a for a in before["authorities"] if a["country"] == "ES"]
        spanish[0] = {**spanish[0], "office_hours": "changed"}
        colombian = next(a for a in before["authorities"] if a["country"] == "CO")
        file = {"authorities": [*spanish, {**colombian, "office_hours": "changed"}]}

        response = await client.post("/v1/import", json=file, headers=await headers("es.editor"))
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["code"] == "directory-entry-of-another-state"
        assert [e["pointer"] for e in problem["errors"]] == [f"/authorities/{len(spanish)}/country"]
        assert await exported(client, headers) == before
        [*_, denied] = await audit_entries(action="directory.import")
        assert denied.outcome == "denied" and denied.authority == "ES-MJ"

    async def test_a_case_officer_may_not_import(self, client, headers):
        response = await client.post(
            "/v1/import", json={"authorities": []}, headers=await headers("es.officer")
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"

    async def test_a_malformed_file_is_refused_whole_naming_entry_and_field(self, client, headers):
        before = await exported(client, headers)
        spanish = [a for a in before["authorities"] if a["country"] == "ES"]
        entries = [{**a, "office_hours": "changed"} for a in spanish]
        while len(entries) < 4:
            entries.append({**spanish[0], "code": f"ES-PAD{len(entries)}"})
        entries[3] = {**entries[3], "time_zone": "Europe/Atlantis"}
        entries.append({**entries[0]})  # the same code twice

        response = await client.post(
            "/v1/import", json={"authorities": entries}, headers=await headers("es.editor")
        )
        assert response.status_code == 422
        pointers = [e["pointer"] for e in response.json()["errors"]]
        assert "/authorities/3/time_zone" in pointers
        assert await exported(client, headers) == before


class TestImportFunctions:
    def test_parse_names_every_error_by_json_pointer(self):
        with pytest.raises(InvalidDirectoryFile) as caught:
            parse_directory_file(
                b'{"authorities": [{"code": "ES-X", "country": "XX"}], "profiles": 3}'
            )
        pointers = {e.pointer for e in caught.value.errors}
        assert {"/authorities/0/country", "/authorities/0/time_zone", "/profiles"} <= pointers
        assert "/authorities/0/country" in str(caught.value)

    def test_parse_refuses_what_is_not_json(self):
        with pytest.raises(InvalidDirectoryFile) as caught:
            parse_directory_file("{not json")
        assert caught.value.errors[0].pointer == ""

    async def test_a_person_importing_through_the_function_is_held_to_their_state(
        self, database, client, headers
    ):
        file = DirectoryFile.model_validate(await exported(client, headers))
        principal = Principal(
            subject="x",
            username="co.editor",
            authority="CO-MJD",
            country="CO",
            roles=frozenset({"directory_editor"}),
            token="",
        )
        async with database.sessions() as session:
            with pytest.raises(EditRefused) as caught:
                await import_directory(session, file, principal)
        assert {e.pointer.split("/")[1] for e in caught.value.errors} == {
            "authorities",
            "profiles",
        }


class TestSeed:
    async def test_seeding_again_changes_nothing(self, database, clock, client, headers):
        before = await exported(client, headers)
        async with database.sessions() as session:
            audit_before = (await audit.verify(session)).entries
        report = await seed(database, clock=clock)
        assert not report.changed
        assert await exported(client, headers) == before
        async with database.sessions() as session:
            verification = await audit.verify(session)
            countries = await session.scalar(select(func.count()).select_from(Country))
            samples = await session.scalar(
                select(func.count()).select_from(Authority).where(Authority.is_sample)
            )
        assert verification.ok and verification.entries == audit_before
        assert countries == len(iso_countries())
        assert samples >= 17

    async def test_the_seed_history_says_seeded(self, database):
        async with database.sessions() as session:
            changes = set(
                await session.scalars(
                    select(AuthorityVersion.change).where(AuthorityVersion.version == 1)
                )
            )
        assert ChangeKind.seeded.value in changes


async def test_the_models_and_the_migrations_agree(
    migrated_databases: MigratedDatabases, postgres_server_url: str
):
    name = await migrated_databases.create("directory", MIGRATIONS)
    await check(MIGRATIONS, postgres_server_url, name)  # alembic check: raises on a difference
