"""Settings of the extradition service: ``COMITY_EXTRADITION_<NAME>``, then ``COMITY_<NAME>``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class ExtraditionSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMITY_EXTRADITION_", extra="ignore")

    service: ClassVar[str] = "extradition"

    # DESIGN.md "Ports": the extradition service listens on 8003.
    port: int = 8003
    # Answer to a status request, in the requested State's working days: its own service
    # target (Plan of Action para. 56(c): timely and clear communication).
    status_answer_working_days: int = Field(default=10, ge=1, le=120)
    # How long a directory lookup may take before the request is answered 504.
    directory_timeout_seconds: float = Field(default=2.0, gt=0)
