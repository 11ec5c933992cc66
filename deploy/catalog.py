"""The runnable parts of Comity: every service and the gateway, in one list.

``comity run``, ``comity serve``, ``comity migrate``, ``comity seed`` and the
compose file's test all read this list, so a new service is added here once
(ports per docs/architecture.md "Ports": mla 8002, extradition 8003, proceedings 8004,
delivery 8005, tracker 8006).

Each part names its app module as a string and is imported only when needed, so
``comity serve gateway`` never imports a service. An app module provides
``Settings`` (a :class:`~shared.settings.ServiceSettings`) and
``create_app(settings)``; one with a database also ``MIGRATIONS`` (its Alembic
folder), and one with a seed ``async def seed_database(settings)``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from fastapi import FastAPI

from shared.settings import ServiceSettings


@dataclass(frozen=True)
class Part:
    name: str
    port: int
    module: str
    has_database: bool = True
    has_seed: bool = False

    @property
    def env_prefix(self) -> str:
        return f"COMITY_{self.name.upper()}_"

    @property
    def port_variable(self) -> str:
        return f"{self.env_prefix}PORT"

    def app_module(self) -> ModuleType:
        return importlib.import_module(self.module)

    def settings_class(self) -> type[ServiceSettings]:
        settings_class: type[ServiceSettings] = self.app_module().Settings
        return settings_class

    def settings(self) -> ServiceSettings:
        """The part's settings, read from the environment."""
        return self.settings_class()()

    def create_app(self, settings: ServiceSettings) -> FastAPI:
        app: FastAPI = self.app_module().create_app(settings)
        return app

    @property
    def migrations(self) -> Path:
        if not self.has_database:
            raise ValueError(f"{self.name} has no database")
        folder: Path = self.app_module().MIGRATIONS
        return folder

    async def seed(self, settings: ServiceSettings) -> None:
        if not self.has_seed:
            raise ValueError(f"{self.name} has no seed")
        await self.app_module().seed_database(settings)


SERVICES: tuple[Part, ...] = (
    Part("directory", 8001, "services.directory.app", has_database=True, has_seed=True),
    Part("mla", 8002, "services.mla.app", has_database=True),
    Part("extradition", 8003, "services.extradition.app", has_database=True),
)
GATEWAY = Part("gateway", 8000, "gateway.app", has_database=False)
# In start order: the services first, then the gateway in front of them.
PARTS: tuple[Part, ...] = (*SERVICES, GATEWAY)


def part(name: str) -> Part:
    for candidate in PARTS:
        if candidate.name == name:
            return candidate
    raise KeyError(name)


def with_database() -> tuple[Part, ...]:
    return tuple(candidate for candidate in PARTS if candidate.has_database)


def with_seed() -> tuple[Part, ...]:
    return tuple(candidate for candidate in PARTS if candidate.has_seed)
