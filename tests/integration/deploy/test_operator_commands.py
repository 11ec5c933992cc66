"""The operator commands of ``comity`` on a real PostgreSQL: migrate, seed, audit verify,
directory export and import, each as ``main([...])`` with the environment an operator sets.

The directory's database gets a unique name, so this runs beside other sessions.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import nats
import pytest

from contracts import catalog as contract_catalog
from contracts.directory import AUTHORITY_UPDATED, AuthorityChanged
from contracts.registry import ConsumerSpec, streams
from deploy.cli import main
from shared.db import database_url, drop_database
from shared.events import Envelope, new_event
from shared.servers import NatsServer, free_port

pytestmark = pytest.mark.smoke


def comity(*argv: str) -> int:
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    return int(exit_.value.code or 0)


@pytest.fixture(scope="module")
def directory_database(postgres_server_url: str) -> Iterator[str]:
    """A migrated and seeded directory database, named for this module only."""
    name = f"comity_directory_cli_{uuid.uuid4().hex[:8]}"
    # `comity migrate` migrates every service: each gets a name of this module's own.
    mla = f"comity_mla_cli_{uuid.uuid4().hex[:8]}"
    extradition = f"comity_extradition_cli_{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("COMITY_ENV", "test")
        env.setenv("COMITY_DATABASE_URL", postgres_server_url)
        env.setenv("COMITY_DIRECTORY_DATABASE_NAME", name)
        env.setenv("COMITY_MLA_DATABASE_NAME", mla)
        env.setenv("COMITY_EXTRADITION_DATABASE_NAME", extradition)
        assert comity("migrate") == 0
        assert comity("seed") == 0
        yield name
    asyncio.run(drop_database(postgres_server_url, name))
    asyncio.run(drop_database(postgres_server_url, mla))
    asyncio.run(drop_database(postgres_server_url, extradition))


@pytest.fixture
def operator_env(
    directory_database: str, postgres_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMITY_ENV", "test")
    monkeypatch.setenv("COMITY_DATABASE_URL", postgres_server_url)
    monkeypatch.setenv("COMITY_DIRECTORY_DATABASE_NAME", directory_database)


async def fetch(server_url: str, database: str, sql: str, *args: object) -> object:
    url = database_url(server_url, database).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        return await connection.fetchval(sql, *args)
    finally:
        await connection.close()


@pytest.mark.usefixtures("operator_env")
class TestOperatorCommands:
    def test_migrate_and_seed_run_again_without_changing_anything(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert comity("migrate", "directory") == 0
        assert comity("seed") == 0
        out = capsys.readouterr().out
        assert "directory: database comity_directory_cli_" in out
        assert "directory: seeded" in out

    def test_directory_export_writes_json_that_imports_as_unchanged(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        exported = tmp_path / "directory.json"
        assert comity("directory", "export", "-o", str(exported)) == 0
        document = json.loads(exported.read_text(encoding="utf-8"))
        assert {"ES"} <= {authority["country"] for authority in document["authorities"]}

        assert comity("directory", "import", str(exported)) == 0
        out = capsys.readouterr().out
        assert "authorities: 0 created, 0 updated" in out
        assert "profiles: 0 created, 0 updated" in out

    def test_directory_export_writes_csv(self, capsys: pytest.CaptureFixture[str]) -> None:
        assert comity("directory", "export", "--format", "csv") == 0
        rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert "ES-MJ" in {row["code"] for row in rows}

    def test_an_import_updates_what_differs(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        exported = tmp_path / "directory.json"
        assert comity("directory", "export", "-o", str(exported)) == 0
        document = json.loads(exported.read_text(encoding="utf-8"))
        first = document["authorities"][0]
        first["office_hours"] = "Mon-Thu 08:00-14:00"
        exported.write_text(json.dumps(document), encoding="utf-8")
        capsys.readouterr()

        assert comity("directory", "import", str(exported)) == 0
        assert f"1 updated ({first['code']})" in capsys.readouterr().out

    def test_a_refused_file_names_the_problem_and_changes_nothing(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        before = tmp_path / "before.json"
        assert comity("directory", "export", "-o", str(before)) == 0
        document = json.loads(before.read_text(encoding="utf-8"))
        document["authorities"][0]["office_hours"] = "changed, but the file is refused"
        document["authorities"][1]["time_zone"] = "Mars/Olympus_Mons"
        refused = tmp_path / "refused.json"
        refused.write_text(json.dumps(document), encoding="utf-8")

        assert comity("directory", "import", str(refused)) == 1
        err = capsys.readouterr().err
        assert "was refused and nothing changed" in err
        assert "/authorities/1/time_zone" in err

        after = tmp_path / "after.json"
        assert comity("directory", "export", "-o", str(after)) == 0
        assert after.read_text(encoding="utf-8") == before.read_text(encoding="utf-8")

    def test_audit_verify_reports_the_head_and_finds_a_changed_entry(
        self,
        directory_database: str,
        postgres_server_url: str,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        assert comity("audit", "verify") == 0
        assert re.search(
            r"^directory: \d+ entries, chain intact, head [0-9a-f]{64}$",
            capsys.readouterr().out,
            re.M,
        )

        def sql(statement: str, *args: object) -> object:
            return asyncio.run(fetch(postgres_server_url, directory_database, statement, *args))

        actor = sql("SELECT actor FROM audit_log WHERE seq = 1")
        sql("UPDATE audit_log SET actor = 'someone:else' WHERE seq = 1")
        try:
            assert comity("audit", "verify", "directory") == 1
            err = capsys.readouterr().err
            assert "directory: chain broken at seq 1" in err
            assert "content changed" in err
        finally:
            sql("UPDATE audit_log SET actor = $1 WHERE seq = 1", actor)
        assert comity("audit", "verify", "directory") == 0


async def stream_names(nats_url: str) -> set[str]:
    connection = await nats.connect(nats_url)
    try:
        return {info.config.name for info in await connection.jetstream().streams_info()}
    finally:
        await connection.close()


async def dead_letter(nats_url: str, spec: ConsumerSpec, event: Envelope) -> None:
    connection = await nats.connect(nats_url)
    try:
        await connection.jetstream().publish(spec.dlq_subject, event.to_bytes())
    finally:
        await connection.close()


async def stream_messages(nats_url: str, stream: str) -> int:
    connection = await nats.connect(nats_url)
    try:
        return int((await connection.jetstream().stream_info(stream)).state.messages)
    finally:
        await connection.close()


class TestEventCommands:
    @pytest.fixture
    def nats_url(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
        server = NatsServer(tmp_path / "nats", free_port()).start()
        monkeypatch.setenv("COMITY_ENV", "test")
        monkeypatch.setenv("COMITY_NATS_URL", server.url)
        yield server.url
        server.stop()

    def test_provision_creates_every_stream_and_may_run_again(self, nats_url: str) -> None:
        assert comity("events", "provision") == 0
        assert comity("events", "provision") == 0
        assert asyncio.run(stream_names(nats_url)) == {spec.name for spec in streams()}

    def test_replay_of_an_unknown_consumer_names_it(
        self, nats_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        assert comity("events", "replay", "nobody") == 1
        assert "no consumer 'nobody'" in capsys.readouterr().err

    def test_replay_moves_a_dead_letter_in_front_of_its_consumer(
        self, nats_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        spec = ConsumerSpec(
            durable="cli_test", service="testsvc", stream="COMITY_DIRECTORY",
            filter_subjects=("comity.directory.authority.*",),
        )  # fmt: skip
        monkeypatch.setattr(contract_catalog, "CONSUMERS", (spec,))
        assert comity("events", "provision") == 0
        event = new_event(
            AUTHORITY_UPDATED,
            AuthorityChanged(
                authority_id=uuid.uuid4(),
                code="ES-MJ",
                country="ES",
                version=2,
                names={"es": "Ministerio"},
                kinds=[],
                accepted_languages=["es"],
                channels=[],
                time_zone="Europe/Madrid",
                withdrawn=False,
            ),
            subject="ES-MJ",
            actor="system:test",
            at=datetime.now(UTC),
        )
        asyncio.run(dead_letter(nats_url, spec, event))
        assert comity("events", "dead-letters", "cli_test") == 0
        assert str(event.id) in capsys.readouterr().out
        assert comity("events", "replay", "cli_test") == 0
        assert f"replayed {event.type} {event.id}" in capsys.readouterr().out
        assert asyncio.run(stream_messages(nats_url, "COMITY_REPLAY")) == 1
        assert asyncio.run(stream_messages(nats_url, "COMITY_DLQ")) == 0
