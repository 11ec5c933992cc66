from __future__ import annotations

from typing import ClassVar

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from shared.settings import DEV_ONLY_SECRET, ServiceSettings


class ExampleSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMITY_EXAMPLE_")
    service: ClassVar[str] = "example"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    for name in ("COMITY_ENV", "COMITY_DATABASE_URL", "COMITY_EXAMPLE_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)


class TestServiceSettings:
    def test_default_secrets_are_refused_outside_dev_and_test(self, monkeypatch):
        monkeypatch.setenv("COMITY_ENV", "production")
        with pytest.raises(
            ValidationError, match="nats_password still has the development default"
        ):
            ExampleSettings()

    @pytest.mark.parametrize("env", ["dev", "test"])
    def test_default_secrets_are_accepted_in_dev_and_test(self, monkeypatch, env):
        monkeypatch.setenv("COMITY_ENV", env)
        assert ExampleSettings().nats_password.get_secret_value() == DEV_ONLY_SECRET

    def test_a_real_secret_is_accepted_in_production(self, monkeypatch):
        monkeypatch.setenv("COMITY_ENV", "production")
        monkeypatch.setenv("COMITY_EXAMPLE_NATS_PASSWORD", "s3cret-from-the-vault")
        assert ExampleSettings().nats_password == SecretStr("s3cret-from-the-vault")

    def test_the_service_prefix_wins_over_the_common_one(self, monkeypatch):
        monkeypatch.setenv("COMITY_ENV", "dev")
        monkeypatch.setenv("COMITY_DATABASE_URL", "postgresql://common/postgres")
        assert ExampleSettings().database_url == "postgresql://common/postgres"
        monkeypatch.setenv("COMITY_EXAMPLE_DATABASE_URL", "postgresql://own/postgres")
        assert ExampleSettings().database_url == "postgresql://own/postgres"

    def test_the_database_name_derives_from_the_service(self, monkeypatch):
        monkeypatch.setenv("COMITY_ENV", "dev")
        assert ExampleSettings().db_name == "comity_example"
        assert ExampleSettings(database_name="comity_example_run1").db_name == "comity_example_run1"

    def test_a_shifted_clock_is_refused_in_production(self, monkeypatch):
        monkeypatch.setenv("COMITY_ENV", "production")
        monkeypatch.setenv("COMITY_EXAMPLE_NATS_PASSWORD", "real")
        with pytest.raises(ValidationError, match="shifted clock"):
            ExampleSettings(clock_offset_seconds=3600)
        monkeypatch.setenv("COMITY_ENV", "dev")
        assert ExampleSettings(clock_offset_seconds=3600).clock_offset_seconds == 3600
