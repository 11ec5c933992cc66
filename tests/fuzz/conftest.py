"""The services the fuzz runs target, each on a database built by its migrations (the
directory's seeded), on the session's PostgreSQL, NATS and Keycloak stand-in; and the
figures of the runs, printed at the end of the session."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import pytest

from deploy.catalog import SERVICES
from deploy.keycloak_standin import RunningStandin
from services.directory.app import seed_database
from services.directory.settings import DirectorySettings
from shared.testing.fixtures import MigratedDatabases
from tests.fuzz.harness import Figures, Fuzzing, Served, profile, served, wait_ready

# Users who may write what each service serves (deploy/keycloak/realm.json).
WRITERS = {"directory": "es.editor", "mla": "es.supervisor", "extradition": "es.supervisor"}

FIGURES = pytest.StashKey[list[Figures]]()


@pytest.fixture(scope="module")
async def fuzz_env(
    migrated_databases: MigratedDatabases,
    service_env: dict[str, object],
) -> dict[str, str]:
    """The environment of ``comity serve`` for every service, each on a new database."""
    env = {
        "COMITY_ENV": "test",
        "COMITY_DATABASE_URL": str(service_env["database_url"]),
        "COMITY_NATS_URL": str(service_env["nats_url"]),
        "COMITY_KEYCLOAK_URL": str(service_env["keycloak_url"]),
        "COMITY_KEYCLOAK_ISSUER": str(service_env["keycloak_issuer"]),
        "COMITY_LOG_LEVEL": "WARNING",
    }
    for part in SERVICES:
        database = await migrated_databases.create(part.name, part.migrations)
        env[f"{part.env_prefix}DATABASE_NAME"] = database
        if part.name == "directory":
            await seed_database(DirectorySettings(**service_env, database_name=database))  # type: ignore[arg-type]
    return env


@pytest.fixture(scope="module")
def fuzzed_services(
    fuzz_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Served]]:
    """Every service, served while the module's tests run; the case services look
    authorities up in the directory."""
    logs = tmp_path_factory.mktemp("fuzz-logs")
    with contextlib.ExitStack() as stack:
        running = {
            part.name: stack.enter_context(served(part, fuzz_env, logs)) for part in SERVICES
        }
        for service in running.values():
            wait_ready(service)
        yield running


@pytest.fixture(scope="module")
def fuzzing(
    fuzzed_services: dict[str, Served],
    keycloak: RunningStandin,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, Fuzzing]]:
    """A run of the profile against every service, as a user who may write there, all
    started at once; reports in the session's temporary folder ``fuzz-reports``."""
    reports = tmp_path_factory.mktemp("fuzz-reports")
    token_url = f"{keycloak.issuer}/protocol/openid-connect/token"
    chosen = profile()
    runs = {
        name: Fuzzing(service, chosen, token_url=token_url, user=WRITERS[name], reports=reports)
        for name, service in fuzzed_services.items()
    }
    try:
        yield runs
    finally:
        for run in runs.values():
            run.stop()


@pytest.fixture
def record_figures(request: pytest.FixtureRequest) -> list[Figures]:
    return request.config.stash.setdefault(FIGURES, [])


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    figures = config.stash.get(FIGURES, [])
    if not figures:
        return
    terminalreporter.section("fuzz")
    for each in figures:
        terminalreporter.write_line(each.line())
    total = sum(each.requests for each in figures)
    failures = sum(each.failures for each in figures)
    seconds = max(each.read for each in figures) - min(each.started for each in figures)
    terminalreporter.write_line(
        f"total: {total} requests, {failures} failures, {seconds:.1f} s (the runs side by side)"
    )
