"""Settings for every service (pydantic-settings).

Each service subclasses :class:`ServiceSettings` with its own prefix
(``COMITY_MLA_``). A variable with the service prefix wins over the same name
with the plain ``COMITY_`` prefix, so ``COMITY_DATABASE_URL`` serves every
service and ``COMITY_MLA_DATABASE_URL`` one of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import (
    BaseSettings,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

# The value every secret has until an operator sets it. Accepted in dev and test only.
DEV_ONLY_SECRET = "dev-only-change-me"


@dataclass(frozen=True)
class Limits:
    """What one request may hold, in bytes (docs/limits.md)."""

    max_url_bytes: int
    max_header_bytes: int
    max_body_bytes: int


class Environment(StrEnum):
    dev = "dev"
    test = "test"
    production = "production"


class CommonSettings(BaseSettings):
    """Settings read from ``COMITY_<NAME>``; refuses default secrets outside dev and test."""

    model_config = SettingsConfigDict(env_prefix="COMITY_", extra="ignore")

    env: Environment = Environment.production

    @property
    def is_dev_or_test(self) -> bool:
        return self.env in (Environment.dev, Environment.test)

    @model_validator(mode="after")
    def _refuse_default_secrets(self) -> CommonSettings:
        if self.is_dev_or_test:
            return self
        defaults = [
            name
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), SecretStr)
            and value.get_secret_value() == DEV_ONLY_SECRET
        ]
        if defaults:
            raise ValueError(
                f"{', '.join(sorted(defaults))} still has the development default; set it, "
                "or set COMITY_ENV=dev for a development machine"
            )
        return self

    @model_validator(mode="after")
    def _clock_shift_only_in_dev(self) -> CommonSettings:
        offset = getattr(self, "clock_offset_seconds", 0)
        if offset and not self.is_dev_or_test:
            raise ValueError("a shifted clock is only allowed when COMITY_ENV is dev or test")
        return self


class ServiceSettings(CommonSettings):
    """What every service needs. Subclasses set ``service`` and ``env_prefix``."""

    service: ClassVar[str]

    host: str = "127.0.0.1"
    port: int = 8000
    log_level: str = "INFO"
    # Names the PostgreSQL *server*; each service derives its own database name.
    database_url: str = "postgresql+asyncpg://postgres@127.0.0.1:15432/postgres"
    database_name: str | None = None
    nats_url: str = "nats://127.0.0.1:14222"
    nats_user: str | None = None
    nats_password: SecretStr = SecretStr(DEV_ONLY_SECRET)
    # How services reach Keycloak, and the issuer its tokens carry: these differ when
    # Keycloak is reached over an internal address (docs/architecture.md "Identity").
    keycloak_url: str = "http://127.0.0.1:8080"
    keycloak_realm: str = "comity"
    keycloak_issuer: str = "http://127.0.0.1:8080/realms/comity"
    token_audience: str = "comity-api"
    idempotency_ttl_hours: int = 24
    clock_offset_seconds: float = 0.0
    # What a request may hold (docs/limits.md); a route may allow a larger body.
    max_url_bytes: int = Field(default=8 * 1024, ge=1024)
    max_header_bytes: int = Field(default=16 * 1024, ge=4096)
    max_body_bytes: int = Field(default=1024 * 1024, ge=1024)

    @property
    def db_name(self) -> str:
        return self.database_name or f"comity_{self.service}"

    @property
    def limits(self) -> Limits:
        return Limits(self.max_url_bytes, self.max_header_bytes, self.max_body_bytes)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        common = EnvSettingsSource(settings_cls, env_prefix="COMITY_")
        return (init_settings, env_settings, common, file_secret_settings)


class CaseServiceSettings(ServiceSettings):
    """What every case service needs besides: the answer to a status request and how
    long a directory lookup may take."""

    # Answer to a status request, in the requested State's working days: its own service
    # target (UNTOC art. 18(24); Plan of Action para. 56(c): timely and clear communication).
    status_answer_working_days: int = Field(default=10, ge=1, le=120)
    # How long a directory lookup may take before the request is answered 504.
    directory_timeout_seconds: float = Field(default=2.0, gt=0)
