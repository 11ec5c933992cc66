"""The ``comity`` command line: its arguments, and the runner's checks before it starts."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from deploy import catalog, runner
from deploy.cli import build_parser
from deploy.keycloak_standin import DEFAULT_REALM_FILE, Realm
from shared.servers import free_port

PORT_VARIABLES = [
    *(part.port_variable for part in catalog.PARTS),
    "COMITY_KEYCLOAK_STANDIN_PORT",
    "COMITY_NATS_PORT",
    "COMITY_NATS_MONITOR_PORT",
    "COMITY_POSTGRES_PORT",
]


def free_ports_environment(tmp_path: Path) -> dict[str, str]:
    """Every port the runner would use moved to a free one, as the smoke test does."""
    return {variable: str(free_port()) for variable in PORT_VARIABLES} | {
        "COMITY_STATE_DIR": str(tmp_path / "state")
    }


@pytest.fixture
def taken_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield int(sock.getsockname()[1])


class TestArguments:
    def test_serve_names_a_service_or_the_gateway(self) -> None:
        assert build_parser().parse_args(["serve", "directory"]).part == catalog.part("directory")
        assert build_parser().parse_args(["serve", "gateway"]).part == catalog.GATEWAY

    def test_serve_refuses_an_unknown_part(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args(["serve", "archive"])
        assert exit_.value.code == 2
        assert "'archive' is not one of: directory, extradition, gateway" in capsys.readouterr().err

    def test_migrate_takes_every_service_when_none_is_named(self) -> None:
        args = build_parser().parse_args(["migrate"])
        assert args.services == []
        assert not args.check

    def test_migrate_check_may_name_services(self) -> None:
        args = build_parser().parse_args(["migrate", "--check", "directory"])
        assert args.check
        assert args.services == [catalog.part("directory")]

    def test_migrate_refuses_a_part_without_a_database(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        with pytest.raises(SystemExit):
            build_parser().parse_args(["migrate", "gateway"])
        assert "'gateway' is not one of: directory" in capsys.readouterr().err

    def test_seed_and_audit_verify_take_services(self) -> None:
        assert build_parser().parse_args(["seed"]).services == []
        args = build_parser().parse_args(["audit", "verify", "directory"])
        assert args.services == [catalog.part("directory")]

    def test_directory_export_defaults_to_json_on_stdout(self) -> None:
        args = build_parser().parse_args(["directory", "export"])
        assert (args.format, args.output) == ("json", None)

    def test_directory_export_writes_csv_to_a_file(self) -> None:
        args = build_parser().parse_args(["directory", "export", "--format", "csv", "-o", "d.csv"])
        assert (args.format, args.output) == ("csv", Path("d.csv"))

    def test_directory_import_takes_a_file(self) -> None:
        assert build_parser().parse_args(["directory", "import", "d.json"]).file == Path("d.json")

    @pytest.mark.parametrize("argv", [[], ["audit"], ["directory"], ["events"]])
    def test_an_incomplete_or_unknown_command_is_refused(self, argv: list[str]) -> None:
        with pytest.raises(SystemExit) as exit_:
            build_parser().parse_args(argv)
        assert exit_.value.code == 2


class TestTakenPorts:
    @pytest.mark.parametrize("variable", PORT_VARIABLES)
    def test_a_taken_port_names_the_variable_that_moves_it(
        self, variable: str, taken_port: int, tmp_path: Path
    ) -> None:
        environment = free_ports_environment(tmp_path) | {variable: str(taken_port)}
        problems = runner.port_problems(runner.Plan.from_environment(environment))
        assert len(problems) == 1
        assert problems[0].startswith(f"port {taken_port} is taken: set ")
        assert variable in problems[0]

    def test_nats_and_postgresql_ports_name_the_urls_of_existing_servers(
        self, taken_port: int, tmp_path: Path
    ) -> None:
        environment = free_ports_environment(tmp_path)
        nats = environment | {"COMITY_NATS_PORT": str(taken_port)}
        postgres = environment | {"COMITY_POSTGRES_PORT": str(taken_port)}
        assert "COMITY_NATS_URL" in runner.port_problems(runner.Plan.from_environment(nats))[0]
        assert (
            "COMITY_DATABASE_URL" in runner.port_problems(runner.Plan.from_environment(postgres))[0]
        )

    def test_existing_servers_need_no_ports_of_their_own(
        self, taken_port: int, tmp_path: Path
    ) -> None:
        environment = free_ports_environment(tmp_path) | {
            "COMITY_NATS_PORT": str(taken_port),
            "COMITY_NATS_MONITOR_PORT": str(taken_port),
            "COMITY_POSTGRES_PORT": str(taken_port),
            "COMITY_NATS_URL": "nats://127.0.0.1:4222",
            "COMITY_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres",
        }
        assert runner.port_problems(runner.Plan.from_environment(environment)) == []

    def test_the_default_ports_are_those_of_the_design(self) -> None:
        plan = runner.Plan.from_environment({})
        assert plan.part_ports == {
            "directory": 8001,
            "mla": 8002,
            "extradition": 8003,
            "gateway": 8000,
        }
        assert (plan.standin_port, plan.nats_port, plan.nats_monitor_port, plan.postgres_port) == (
            8080,
            14222,
            18222,
            15432,
        )
        assert plan.state_dir == Path(".comity").absolute()

    def test_run_stops_before_starting_anything(
        self,
        taken_port: int,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str],
    ) -> None:
        environment = free_ports_environment(tmp_path) | {"COMITY_GATEWAY_PORT": str(taken_port)}
        for variable, value in environment.items():
            monkeypatch.setenv(variable, value)
        assert runner.run() == 1
        assert f"port {taken_port} is taken: set COMITY_GATEWAY_PORT" in capsys.readouterr().err
        assert not (tmp_path / "state").exists()


class TestWelcome:
    def test_it_lists_every_demo_user_and_a_working_curl_example(self, tmp_path: Path) -> None:
        plan = runner.Plan.from_environment(free_ports_environment(tmp_path))
        text = runner.welcome(plan)
        gateway = f"http://127.0.0.1:{plan.part_ports['gateway']}"
        assert f"Comity is running at {gateway}" in text
        for user in Realm.load(DEFAULT_REALM_FILE).users.values():
            assert user.username in text
        assert re.search(r"^  es\.supervisor +ES-MJ +supervisor, case_officer$", text, re.M)
        assert (
            f"http://127.0.0.1:{plan.standin_port}/realms/comity/protocol/openid-connect/token"
            in text
        )
        assert "-d grant_type=password -d client_id=comity-cli" in text
        assert f"'{gateway}/api/directory/v1/authorities?country=ES'" in text
