"""Settings of the directory service: ``COMITY_DIRECTORY_<NAME>``, then ``COMITY_<NAME>``."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class DirectorySettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMITY_DIRECTORY_", extra="ignore")

    service: ClassVar[str] = "directory"

    # docs/architecture.md "Ports": the directory listens on 8001.
    port: int = 8001
