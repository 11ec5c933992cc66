"""Settings of the gateway: where each service lives and how long to wait for it."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from shared.settings import ServiceSettings


class GatewaySettings(ServiceSettings):
    """``COMITY_GATEWAY_<NAME>``; ``COMITY_GATEWAY_SERVICE_URLS`` is a JSON object."""

    model_config = SettingsConfigDict(env_prefix="COMITY_GATEWAY_")

    service: ClassVar[str] = "gateway"

    port: int = 8000
    # Service name (the ``<service>`` in ``/api/<service>/...``) -> its base URL.
    service_urls: dict[str, str] = Field(
        default_factory=lambda: {
            "directory": "http://127.0.0.1:8001",
            "mla": "http://127.0.0.1:8002",
            "extradition": "http://127.0.0.1:8003",
        }
    )
    # The whole exchange with a service, from connecting to the last byte of its answer.
    upstream_timeout_seconds: float = Field(default=30.0, gt=0)
