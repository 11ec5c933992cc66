"""Settings of the MLA service: ``COMITY_MLA_<NAME>``, then ``COMITY_<NAME>``."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import CaseServiceSettings


class MlaSettings(CaseServiceSettings):
    model_config = SettingsConfigDict(env_prefix="COMITY_MLA_", extra="ignore")

    service: ClassVar[str] = "mla"

    # docs/architecture.md "Ports": the MLA service listens on 8002.
    port: int = 8002
    # The requested authority's service target for acknowledging a request, in its own
    # working days (docs/domain.md: outside the EU there is no fixed limit; the requested
    # authority's own targets apply). A legal basis may carry its own figure as the
    # parameter ``acknowledgement_working_days``, which wins.
    acknowledgement_working_days: int = Field(default=10, ge=1, le=120)
    # Answer to a request for additional information (UNTOC art. 18(16)), in calendar
    # days of the requesting State, unless the request for it says otherwise.
    additional_information_days: int = Field(default=30, ge=1, le=365)
