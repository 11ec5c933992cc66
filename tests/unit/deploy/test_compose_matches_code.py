"""docker-compose.yml says what the code says: parts, ports, commands and variables.

No container engine runs in the tests, so this is how the compose file is kept
honest: every part in deploy/catalog.py is there with its port and its command,
and every ``COMITY_*`` variable it sets is a settings field of the part that
reads it.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from deploy import catalog
from deploy.cli import OperatorSettings
from deploy.keycloak_standin import REPO_ROOT
from deploy.nats import DEVELOPMENT_CONFIG, OPERATOR, development_config, development_password
from shared.settings import ServiceSettings

COMPOSE_FILE = REPO_ROOT / "docker-compose.yml"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return document["services"]


def variables_of(settings_class: type[ServiceSettings]) -> set[str]:
    """Every variable the settings read: ``<prefix><FIELD>`` and the common ``COMITY_<FIELD>``."""
    prefix = str(settings_class.model_config.get("env_prefix", ""))
    return {
        f"{start}{field}".upper()
        for field in settings_class.model_fields
        for start in (prefix, "COMITY_")
    }


def comity_variables(service: dict[str, Any]) -> set[str]:
    return {name for name in service.get("environment", {}) if name.startswith("COMITY_")}


@pytest.mark.parametrize("part", catalog.PARTS, ids=lambda part: part.name)
class TestEveryPartIsInCompose:
    def test_it_is_served_by_the_one_image_with_its_command(
        self, part: catalog.Part, compose: dict[str, Any]
    ) -> None:
        service = compose[part.name]
        assert service["build"] == "."
        assert service["command"] == ["comity", "serve", part.name]

    def test_it_publishes_the_catalog_port(
        self, part: catalog.Part, compose: dict[str, Any]
    ) -> None:
        assert f"{part.port}:{part.port}" in compose[part.name]["ports"]

    def test_its_settings_listen_on_the_catalog_port_by_default(self, part: catalog.Part) -> None:
        settings_class = part.settings_class()
        assert settings_class.model_config.get("env_prefix") == part.env_prefix
        assert settings_class.model_fields["port"].default == part.port

    def test_it_listens_beyond_its_container(
        self, part: catalog.Part, compose: dict[str, Any]
    ) -> None:
        assert compose[part.name]["environment"][f"{part.env_prefix}HOST"] == "0.0.0.0"

    def test_every_variable_it_sets_is_a_settings_field(
        self, part: catalog.Part, compose: dict[str, Any]
    ) -> None:
        unknown = comity_variables(compose[part.name]) - variables_of(part.settings_class())
        assert not unknown, f"{part.name} does not read {sorted(unknown)}"


def test_the_migrate_job_migrates_and_seeds_with_variables_the_services_read(
    compose: dict[str, Any],
) -> None:
    migrate = compose["migrate"]
    assert migrate["build"] == "."
    assert "comity migrate && comity seed" in " ".join(migrate["command"])
    known = set().union(
        *(variables_of(part.settings_class()) for part in catalog.with_database()),
        variables_of(OperatorSettings),
    )
    assert comity_variables(migrate) <= known
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for part in catalog.with_database():
        assert compose[part.name]["depends_on"]["migrate"]["condition"] == (
            "service_completed_successfully"
        )


def test_the_gateway_knows_every_service_by_its_compose_name(compose: dict[str, Any]) -> None:
    urls = json.loads(compose["gateway"]["environment"]["COMITY_GATEWAY_SERVICE_URLS"])
    assert urls == {part.name: f"http://{part.name}:{part.port}" for part in catalog.SERVICES}


def test_services_reach_keycloak_inside_but_expect_the_public_issuer(
    compose: dict[str, Any],
) -> None:
    for part in catalog.PARTS:
        environment = compose[part.name]["environment"]
        assert environment["COMITY_KEYCLOAK_URL"] == "http://keycloak:8080"
        assert environment["COMITY_KEYCLOAK_ISSUER"] == "http://localhost:8080/realms/comity"
    assert compose["keycloak"]["environment"]["KC_HOSTNAME"] == "http://localhost:8080"


def test_keycloak_imports_the_realm_file(compose: dict[str, Any]) -> None:
    keycloak = compose["keycloak"]
    assert keycloak["image"].startswith("quay.io/keycloak/keycloak:26")
    assert "--import-realm" in keycloak["command"]
    mounts = [volume.split(":") for volume in keycloak["volumes"]]
    assert any(
        (REPO_ROOT / source).resolve() == REPO_ROOT / "deploy" / "keycloak" / "realm.json"
        and target.startswith("/opt/keycloak/data/import/")
        for source, target, *_ in mounts
    )


def test_the_servers_listen_on_the_compose_ports(compose: dict[str, Any]) -> None:
    assert compose["postgres"]["image"] == "postgres:15"
    assert "5432:5432" in compose["postgres"]["ports"]
    assert "-js" in compose["nats"]["command"]
    assert "4222:4222" in compose["nats"]["ports"]
    assert "8080:8080" in compose["keycloak"]["ports"]


def test_the_one_entry_point_is_the_deploy_cli() -> None:
    pyproject = tomllib.loads(Path(REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert pyproject["project"]["scripts"]["comity"] == "deploy.cli:main"


def test_the_committed_nats_users_are_what_the_catalogue_gives() -> None:
    assert DEVELOPMENT_CONFIG.read_text(encoding="utf-8") == development_config(), (
        "run `.venv/bin/python -m deploy.nats` and commit deploy/nats-development.conf"
    )


def test_nats_admits_each_part_as_its_own_user(compose: dict[str, Any]) -> None:
    nats = compose["nats"]
    assert nats["command"][-2:] == ["-c", "/etc/nats/comity.conf"]
    assert any(
        (REPO_ROOT / volume.split(":")[0]).resolve() == DEVELOPMENT_CONFIG
        and volume.split(":")[1] == "/etc/nats/comity.conf"
        for volume in nats["volumes"]
    )
    for part in catalog.PARTS:
        environment = compose[part.name]["environment"]
        assert environment[f"{part.env_prefix}NATS_USER"] == part.name
        assert environment[f"{part.env_prefix}NATS_PASSWORD"] == development_password(part.name)
    migrate = compose["migrate"]["environment"]
    assert migrate["COMITY_OPERATOR_NATS_USER"] == OPERATOR
    assert migrate["COMITY_OPERATOR_NATS_PASSWORD"] == development_password(OPERATOR)
