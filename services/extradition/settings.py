"""Settings of the extradition service: ``COMITY_EXTRADITION_<NAME>``, then ``COMITY_<NAME>``."""

from __future__ import annotations

from typing import ClassVar

from pydantic_settings import SettingsConfigDict

from shared.settings import CaseServiceSettings


class ExtraditionSettings(CaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMITY_EXTRADITION_", extra="ignore")

    service: ClassVar[str] = "extradition"

    # docs/architecture.md "Ports": the extradition service listens on 8003.
    port: int = 8003
