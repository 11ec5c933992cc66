"""The directory's public contract: create_app, MIGRATIONS, Settings, seed_database, OpenAPI."""

from __future__ import annotations

from sqlalchemy import func, select

from services.directory import app as directory_app_module
from services.directory.app import MIGRATIONS, Settings, create_app, seed_database
from services.directory.models import Authority, Country, CountryProfile
from services.directory.schemas import iso_countries
from services.directory.settings import DirectorySettings
from shared.db import Database, database_url
from shared.testing.fixtures import MigratedDatabases


def test_the_contract_names_are_there(monkeypatch):
    assert Settings is DirectorySettings
    assert (MIGRATIONS / "env.py").is_file()
    monkeypatch.setenv("COMITY_ENV", "test")
    monkeypatch.setenv("COMITY_DIRECTORY_DATABASE_NAME", "comity_directory_x")
    settings = DirectorySettings()
    assert settings.service == "directory" and settings.port == 8001
    assert settings.db_name == "comity_directory_x"
    assert create_app(settings).title == "Comity directory"
    assert callable(directory_app_module.seed_database)


async def test_seed_database_loads_countries_and_samples_once(
    migrated_databases: MigratedDatabases,
    postgres_server_url: str,
    service_env: dict[str, object],
):
    name = await migrated_databases.create("directory", MIGRATIONS)
    settings = DirectorySettings(**service_env, database_name=name)  # type: ignore[arg-type]
    await seed_database(settings)
    await seed_database(settings)
    database = Database(database_url(postgres_server_url, name))
    try:
        async with database.sessions() as session:
            authorities = await session.scalar(select(func.count()).select_from(Authority))
            profiles = await session.scalar(select(func.count()).select_from(CountryProfile))
            countries = await session.scalar(select(func.count()).select_from(Country))
    finally:
        await database.dispose()
    assert (authorities, profiles) == (17, 13)
    assert countries == len(iso_countries())


async def test_the_openapi_document_describes_the_api(client):
    response = await client.get("/openapi.json")
    assert response.status_code == 200
    document = response.json()
    paths = document["paths"]
    assert {
        "/v1/authorities",
        "/v1/authorities/{authority_id}",
        "/v1/authorities/{authority_id}/withdraw",
        "/v1/authorities/{authority_id}/history",
        "/v1/countries",
        "/v1/countries/{alpha2}",
        "/v1/countries/{alpha2}/profile",
        "/v1/countries/{alpha2}/profile/history",
        "/v1/export",
        "/v1/export.csv",
        "/v1/import",
    } <= set(paths)
    assert {"403", "409"} <= set(paths["/v1/authorities"]["post"]["responses"])
    assert {"412", "428"} <= set(paths["/v1/authorities/{authority_id}"]["patch"]["responses"])
    kinds = [p for p in paths["/v1/authorities"]["get"]["parameters"] if p["name"] == "kind"]
    assert kinds, "the kind filter is documented"
